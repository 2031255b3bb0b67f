package org.tdpipe.sim.cost;

import org.tdpipe.core.exec.StepBatch;

/**
 * The simulator's ground truth: how long one batch occupies one pipeline stage. Policies never
 * see it; they decide with their own {@link org.tdpipe.core.profile.Profile} (Vidur's separation of
 * estimator and truth, reference simulators.md §8.1).
 */
public interface StageCostModel {
    /** Execution time in nanoseconds of a batch with {@code load} on {@code stage} of {@code numStages}. */
    long stageNanos(BatchLoad load, int stage, int numStages);

    default long stageNanos(StepBatch batch, int stage, int numStages) {
        return stageNanos(BatchLoad.of(batch), stage, numStages);
    }

    /** Shared argument check for implementations. */
    static void checkStage(int stage, int numStages) {
        if (numStages < 1 || stage < 0 || stage >= numStages) {
            throw new IllegalArgumentException("stage " + stage + " outside a pipeline of " + numStages + " stages");
        }
    }
}
