package org.tdpipe.server;

import java.util.function.Function;
import org.tdpipe.core.predict.LengthPredictor;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.core.sched.PolicyContext;
import org.tdpipe.core.sched.SchedulerPolicy;

/**
 * How the engine behind the server schedules.
 *
 * @param policy builds the scheduler policy for the opened pipeline ({@code Policies.parse(name)})
 * @param profile the policy's cost belief, or null for policies that plan without costs
 * @param numBlocks KV cache blocks of each stage
 * @param blockSize tokens per KV block
 */
public record EngineSetup(Function<PolicyContext, SchedulerPolicy> policy, LengthPredictor predictor, Profile profile,
        int numBlocks, int blockSize) {
}
