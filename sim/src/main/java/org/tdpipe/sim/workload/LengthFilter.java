package org.tdpipe.sim.workload;

import java.util.List;

/**
 * Keeps the requests a benchmark runs: TD-Pipe / vLLM's ShareGPT protocol (DESIGN §8) takes
 * {@code 4 ≤ input ≤ 1024}, {@code output ≥ 4} and {@code input + output ≤ 2048}.
 */
public record LengthFilter(int minInput, int maxInput, int minOutput, int maxTotal) {
    public static final LengthFilter PAPER = new LengthFilter(4, 1024, 4, 2048);

    public LengthFilter {
        if (minInput < 1 || maxInput < minInput || minOutput < 1 || maxTotal < minInput + minOutput) {
            throw new IllegalArgumentException("empty length filter: input " + minInput + ".." + maxInput
                    + ", output >= " + minOutput + ", total <= " + maxTotal);
        }
    }

    public boolean accepts(WorkloadItem item) {
        return item.promptTokens() >= minInput && item.promptTokens() <= maxInput
                && item.outputTokens() >= minOutput && item.totalTokens() <= maxTotal;
    }

    public List<WorkloadItem> apply(List<WorkloadItem> items) {
        return items.stream().filter(this::accepts).toList();
    }
}
