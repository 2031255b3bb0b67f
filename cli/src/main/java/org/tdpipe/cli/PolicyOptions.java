package org.tdpipe.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.function.Function;
import org.tdpipe.core.predict.LengthPredictor;
import org.tdpipe.core.predict.LengthPredictors;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.core.sched.Policies;
import org.tdpipe.core.sched.PolicyContext;
import org.tdpipe.core.sched.SchedulerPolicy;
import org.tdpipe.core.sched.vllm.VllmOptions;
import org.tdpipe.core.sched.vllm.VllmPolicies;
import org.tdpipe.model.format.ModelSource;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Which scheduling policy drives a real generation run, and what it plans with (a picocli mixin):
 * the TD-Pipe policies need a cost profile ({@code --profile}, else measured briefly at start-up)
 * and an output-length predictor; the vLLM baselines take {@code --max-batched-tokens}.
 */
final class PolicyOptions {
    /** Largest batch measured when no {@code --profile} is given (a few seconds on a 110M model). */
    private static final int PROFILE_TOKENS = 256;
    private static final int PROFILE_REPEATS = 2;

    /**
     * What the engine is built with.
     *
     * @param tensorParallel the policy is {@code tp}: the stages' threads run as one tensor-parallel group
     */
    record Choice(Function<PolicyContext, SchedulerPolicy> policy, Profile profile, LengthPredictor predictor,
            boolean tensorParallel) {
    }

    @Option(names = "--policy",
            description = "Scheduling policy: " + "td-pipe-adaptive, td-pipe, pp-vllm, pp-chunked, tp and the ablations of 'simulate' (default: ${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--profile", description = "TD-Pipe profile CSV of this machine for the td-pipe policies (default: measured briefly at start-up).")
    Path profile;

    @Option(names = "--predictor", defaultValue = "oracle",
            description = "Output-length predictor of the td-pipe policies: " + LengthPredictors.NAMES
                    + " (default: ${DEFAULT-VALUE}, which here means each request's max_tokens, an upper bound).")
    String predictor;

    @Option(names = "--max-batched-tokens", defaultValue = "2048", description = "Token budget of one step of the vLLM policies (default ${DEFAULT-VALUE}).")
    int maxBatchedTokens;

    /** Options whose {@code --policy} defaults to td-pipe-adaptive, the throughput choice. */
    PolicyOptions() {
        this("td-pipe-adaptive");
    }

    /** Options with another default policy (e.g. {@code serve}'s latency-friendly pp-chunked); picocli keeps it as the default. */
    PolicyOptions(String defaultPolicy) {
        this.policy = defaultPolicy;
    }

    /** Checks the names before any work. */
    void validate() {
        Policies.parse(policy);
        LengthPredictors.byName(predictor, 0);
    }

    @Mixin
    ProfileCacheOptions profileCache;

    /** Builds the choice for {@code model} ({@code modelSpec} as given on the command line); profiling is reported on {@code log}. */
    Choice choose(String modelSpec, ModelSource model, int stageThreads, PrintStream log) {
        LengthPredictor lengths = LengthPredictors.byName(predictor, 0);
        String name = policy.strip();
        if (VllmPolicies.NAMES.contains(name)) {
            VllmOptions options = VllmOptions.defaults().withMaxNumSeqs(Math.min(VllmOptions.defaults().maxNumSeqs(), maxBatchedTokens))
                    .withMaxNumBatchedTokens(maxBatchedTokens);
            return new Choice(ctx -> VllmPolicies.create(name, ctx, options), null, lengths, name.equals(VllmPolicies.TP));
        }
        Profile costs = profile != null ? Profile.read(profile)
                : SchedulerProfile.cachedOrMeasured(modelSpec, model, stageThreads, PROFILE_REPEATS,
                        Math.min(PROFILE_TOKENS, maxBatchedTokens), profileCache, log).profile();
        return new Choice(Policies.parse(name), costs, lengths, false);
    }
}
