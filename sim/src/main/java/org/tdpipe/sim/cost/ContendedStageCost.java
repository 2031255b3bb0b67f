package org.tdpipe.sim.cost;

/**
 * Stage times on a machine whose stages share cores and memory bandwidth (a CPU pipeline): a stage
 * runs a batch faster while fewer of the other stages are working.
 */
public interface ContendedStageCost {
    int numStages();

    /**
     * Execution time in nanoseconds of a batch with {@code load} on {@code stage} while a share
     * {@code othersWorking} of the other stages works the whole time: 1 every other stage, 0 none.
     */
    long stageNanos(BatchLoad load, int stage, double othersWorking);
}
