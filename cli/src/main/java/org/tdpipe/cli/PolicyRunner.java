package org.tdpipe.cli;

import java.util.List;
import org.tdpipe.core.engine.Engine;
import org.tdpipe.core.engine.EngineListener;
import org.tdpipe.core.engine.RunResult;
import org.tdpipe.core.engine.StopChecker;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.predict.LengthPredictor;
import org.tdpipe.core.predict.LengthPredictors;
import org.tdpipe.core.predict.LengthScale;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.core.sched.Policies;
import org.tdpipe.core.sched.PolicyContext;
import org.tdpipe.sim.workload.WorkloadItem;
import org.tdpipe.sim.workload.WorkloadRequests;

/**
 * Runs one policy over a workload on an executor (simulated or real) under the benchmark protocol:
 * the same KV cache, cost belief and length predictor for every policy and executor.
 *
 * @param profile the policies' cost belief {@code T[n]}
 * @param predictor length predictor name ({@link LengthPredictors})
 * @param lengthScale how the workload was scaled from its trace (for learned predictors)
 */
record PolicyRunner(int numBlocks, int blockSize, int maxModelLen, Profile profile, String predictor, long seed,
        LengthScale lengthScale) {

    RunResult run(PipelineExecutor executor, String policy, List<WorkloadItem> items) {
        LengthPredictor lengthPredictor = LengthPredictors.byName(predictor, seed, lengthScale);
        PolicyContext ctx = new PolicyContext(executor.numStages(), numBlocks, blockSize, maxModelLen, profile, lengthPredictor);
        Engine engine = new Engine(executor, Policies.create(policy, ctx), lengthPredictor,
                new StopChecker(StopChecker.NO_EOS, maxModelLen), EngineListener.NONE);
        return engine.run(WorkloadRequests.toRequests(items, "req"));
    }
}
