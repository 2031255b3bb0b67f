package org.tdpipe.sim.workload;

/**
 * One request of a workload: its prompt and output lengths in tokens and when it arrives.
 *
 * @param arrivalNanos offset from the start of the run (0 in offline benchmarks)
 */
public record WorkloadItem(int promptTokens, int outputTokens, long arrivalNanos) {
    public WorkloadItem {
        if (promptTokens < 1) {
            throw new IllegalArgumentException("prompt must have at least 1 token, got " + promptTokens);
        }
        if (outputTokens < 1) {
            throw new IllegalArgumentException("output must have at least 1 token, got " + outputTokens);
        }
        if (arrivalNanos < 0) {
            throw new IllegalArgumentException("arrival time must be >= 0, got " + arrivalNanos + " ns");
        }
    }

    public int totalTokens() {
        return promptTokens + outputTokens;
    }

    public WorkloadItem withArrivalNanos(long value) {
        return new WorkloadItem(promptTokens, outputTokens, value);
    }
}
