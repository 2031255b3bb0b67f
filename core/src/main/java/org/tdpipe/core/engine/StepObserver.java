package org.tdpipe.core.engine;

import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.sched.SchedulerStats;

/** Sees the online engine's steps on its loop thread (metrics): what was launched, and the policy's state. */
public interface StepObserver {
    StepObserver NONE = new StepObserver() {
    };

    /** {@code batch} was handed to the pipeline. */
    default void onLaunch(StepBatch batch) {
    }

    /**
     * The policy's counters after the loop changed them: after every completed batch and after the
     * submissions and aborts it took, so that an abort shows at once on an idle engine.
     */
    default void onSchedulerStats(SchedulerStats stats) {
    }
}
