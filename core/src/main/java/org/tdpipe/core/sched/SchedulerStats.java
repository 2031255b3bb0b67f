package org.tdpipe.core.sched;

/**
 * A snapshot of a policy's state for reports and metrics.
 *
 * @param phase current phase name ("prefill", "decode", or "mixed" for policies without phases)
 * @param phaseSwitches number of prefill ↔ decode switches so far
 */
public record SchedulerStats(
        int waiting, int running, int ready, int usedBlocks, int totalBlocks,
        long preemptions, long phaseSwitches, String phase) {

    public double kvUsage() {
        return totalBlocks == 0 ? 0 : (double) usedBlocks / totalBlocks;
    }
}
