package org.tdpipe.sim.cost;

/**
 * Stage times on a machine whose stages share cores and memory bandwidth (a CPU pipeline): a stage
 * runs a batch faster while fewer of the other stages are working. Between the two measured ends,
 * no other stage working and every other stage working, the time is taken as linear in the share
 * of the others working.
 */
public interface ContendedStageCost {
    int numStages();

    /** Execution time in nanoseconds of a batch with {@code load} on {@code stage} while no other stage works. */
    long aloneNanos(BatchLoad load, int stage);

    /** Execution time in nanoseconds of a batch with {@code load} on {@code stage} while every other stage works. */
    long busyNanos(BatchLoad load, int stage);

    /** The time while a share {@code othersWorking} of the other stages works the whole time: 1 every other stage, 0 none. */
    default long stageNanos(BatchLoad load, int stage, double othersWorking) {
        if (!(othersWorking >= 0 && othersWorking <= 1)) {
            throw new IllegalArgumentException("share of the other stages working must be in [0, 1], got " + othersWorking);
        }
        return Math.round(between(aloneNanos(load, stage), busyNanos(load, stage), othersWorking));
    }

    /** The time of a batch that takes {@code alone} and {@code busy} at the two ends, under the share {@code othersWorking}. */
    static double between(double alone, double busy, double othersWorking) {
        return alone + othersWorking * (busy - alone);
    }
}
