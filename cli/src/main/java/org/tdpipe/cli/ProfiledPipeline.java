package org.tdpipe.cli;

import java.util.List;
import org.tdpipe.core.engine.RunResult;
import org.tdpipe.core.profile.StageProfile;
import org.tdpipe.sim.SimulatedExecutor;
import org.tdpipe.sim.cost.StageHop;
import org.tdpipe.sim.cost.StageProfileCost;
import org.tdpipe.sim.workload.WorkloadItem;

/**
 * A real pipeline as the simulator sees it: P stages whose times are fitted on the pipeline's
 * {@link StageProfile}, activations handed over in memory (no hop cost), up to P batches in flight,
 * and the policies set up as on the real pipeline ({@link PolicyRunner}).
 */
record ProfiledPipeline(StageProfile stages, PolicyRunner runner) {
    StageProfileCost cost() {
        return new StageProfileCost(stages);
    }

    RunResult simulate(String policy, List<WorkloadItem> items) {
        int p = stages.numStages();
        return runner.run(new SimulatedExecutor(p, p, cost(), StageHop.NONE, 0), policy, items);
    }
}
