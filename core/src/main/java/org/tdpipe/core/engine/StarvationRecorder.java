package org.tdpipe.core.engine;

import org.tdpipe.core.timeline.Starvation;
import org.tdpipe.core.timeline.Timeline;

/**
 * Notices when the engine leaves an in-flight slot empty (the policy had nothing to launch) and,
 * at the next launch, records for how long, so that bubble attribution can tell waiting for work
 * or memory from pipeline effects.
 */
final class StarvationRecorder {
    private final Timeline timeline;
    private long idleSince = -1;
    private int waitingThen;

    StarvationRecorder(Timeline timeline) {
        this.timeline = timeline;
    }

    /** A slot is free and the policy launched nothing; {@code waiting} requests wait for admission. */
    void nothingLaunched(long nowNanos, int waiting) {
        if (idleSince < 0) {
            idleSince = nowNanos;
            waitingThen = waiting;
        }
    }

    /** Batch {@code batchId} is launched now: records the starvation it ends, if any. */
    void launched(long batchId, long nowNanos) {
        if (idleSince >= 0) {
            timeline.recordStarvation(new Starvation(batchId, idleSince, nowNanos, waitingThen));
            idleSince = -1;
        }
    }
}
