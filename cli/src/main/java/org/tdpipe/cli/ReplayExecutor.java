package org.tdpipe.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.StepResult;
import org.tdpipe.core.exec.VirtualPipelineExecutor;
import org.tdpipe.core.timeline.Span;
import org.tdpipe.sim.SimulatedExecutor;
import org.tdpipe.sim.cost.BatchLoad;
import org.tdpipe.sim.cost.StageProfileCost;

/**
 * A simulated pipeline that replays a measured run: a batch takes, on each stage, exactly what the
 * real run's batch with the same id took there, provided both fed the same load (the policies are
 * deterministic, so they launch the same batches as long as completions come in the same order).
 * A batch without a measured twin is priced by the fallback cost model and counted; hand-offs take
 * what the stage profile measured. What remains between a replay and the measured run is what the
 * simulator leaves out: the controller's own time, hand-offs that differ from the profile's, start-up.
 */
final class ReplayExecutor extends VirtualPipelineExecutor {
    private final Map<Long, long[]> measured = new HashMap<>();
    private final Map<Long, BatchLoad> loads;
    private final StageProfileCost fallback;
    private int replayed;
    private int priced;

    ReplayExecutor(MeasuredRun run, StageProfileCost fallback) {
        super(run.result().timeline().numStages(), run.result().timeline().numStages());
        int p = numStages();
        List<Span> spans = run.result().timeline().spans();
        for (Span s : spans) {
            measured.computeIfAbsent(s.batchId(), id -> new long[p])[s.stage()] = s.durationNanos();
        }
        this.loads = run.loads();
        this.fallback = fallback;
    }

    @Override
    public void submit(StepBatch batch) {
        BatchLoad load = BatchLoad.of(batch);
        long[] times = measured.get(batch.id());
        boolean twin = times != null && load.equals(loads.get(batch.id()));
        if (twin) {
            replayed++;
        } else {
            priced++;
        }
        launch(batch, load.numTokens(), stage -> twin ? times[stage] : fallback.stageNanos(load, stage, numStages()),
                fallback.launchNanos(), fallback.handoff().nanos(load.numTokens()), fallback.returnNanos());
    }

    /** Batches that took their measured twin's stage times. */
    int replayed() {
        return replayed;
    }

    /** Batches the real run did not launch (the runs diverged), priced by the fallback model. */
    int priced() {
        return priced;
    }

    @Override
    protected StepResult complete(StepBatch batch) {
        return SimulatedExecutor.sampledTokens(batch);
    }
}
