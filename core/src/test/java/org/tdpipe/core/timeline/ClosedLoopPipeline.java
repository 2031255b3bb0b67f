package org.tdpipe.core.timeline;

import java.util.ArrayList;
import java.util.List;
import org.tdpipe.core.exec.Phase;

/**
 * Builds timelines the way a FIFO pipeline runs them with at most P batches in flight: batch i
 * launches when batch i − P returns (or later, if asked), never before batch i − 1, and enters
 * stage k + 1 when it leaves stage k and that stage is free. Durations are per stage.
 */
public final class ClosedLoopPipeline {
    private final int stages;
    private final Timeline timeline;
    private final long[] stageFree;
    private final List<Long> launched = new ArrayList<>();
    private final List<Long> done = new ArrayList<>();

    public ClosedLoopPipeline(int stages) {
        this.stages = stages;
        this.timeline = new Timeline(stages);
        this.stageFree = new long[stages];
    }

    public ClosedLoopPipeline run(int batches, Phase phase, long stageNanos) {
        for (int i = 0; i < batches; i++) {
            launch(phase, stageNanos, 0);
        }
        return this;
    }

    /** Launches the next batch no earlier than {@code notBeforeNanos}; returns its id. */
    public long launch(Phase phase, long stageNanos, long notBeforeNanos) {
        long id = done.size();
        long launch = Math.max(id == 0 ? 0 : launched.get((int) id - 1), notBeforeNanos);
        if (id >= stages) {
            launch = Math.max(launch, done.get((int) id - stages));
        }
        launched.add(launch);
        long ready = launch;
        for (int s = 0; s < stages; s++) {
            long start = Math.max(ready, stageFree[s]);
            timeline.record(new Span(s, id, phase, 1, 1, start, start + stageNanos));
            stageFree[s] = start + stageNanos;
            ready = stageFree[s];
        }
        done.add(ready);
        return id;
    }

    /** When batch {@code id} was launched (it may start on stage 0 later, behind earlier batches). */
    public long launchNanos(long id) {
        return launched.get((int) id);
    }

    /** When batch {@code id} would have launched without delays: when batch id − P returned. */
    public long slotFreeNanos(long id) {
        return id < stages ? 0 : done.get((int) id - stages);
    }

    public Timeline timeline() {
        return timeline;
    }

    /** When the last batch leaves the last stage. */
    public long makespan() {
        return stageFree[stages - 1];
    }
}
