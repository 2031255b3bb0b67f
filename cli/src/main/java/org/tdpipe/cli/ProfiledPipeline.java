package org.tdpipe.cli;

import java.util.List;
import org.tdpipe.core.engine.RunResult;
import org.tdpipe.core.profile.StageProfile;
import org.tdpipe.sim.ContendedPipelineExecutor;
import org.tdpipe.sim.cost.StageProfileCost;
import org.tdpipe.sim.workload.WorkloadItem;

/**
 * A real pipeline as the simulator sees it: P stages sharing the machine's cores, whose times are
 * fitted on the pipeline's {@link StageProfile} with every stage busy and alone and interpolated by
 * how many stages work at once ({@link ContendedPipelineExecutor}), batches launched, activations
 * handed over and results returned as fast as the profile measured them (threads of one process:
 * a fraction of a millisecond; gRPC workers: messages on the link), up to P batches in flight, and the policies set up as on the real
 * pipeline ({@link PolicyRunner}). A one-stage profile of a tensor-parallel group is that group,
 * its all-reduces measured inside its stage times.
 */
record ProfiledPipeline(StageProfile stages, PolicyRunner runner) {
    StageProfileCost cost() {
        return new StageProfileCost(stages);
    }

    RunResult simulate(String policy, List<WorkloadItem> items) {
        StageProfileCost cost = cost();
        return runner.run(new ContendedPipelineExecutor(stages.numStages(), cost, cost.launchNanos(), cost.handoff(), cost.returnNanos()),
                policy, items);
    }
}
