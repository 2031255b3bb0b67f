package org.tdpipe.cli;

import java.util.List;
import org.tdpipe.sim.workload.WorkloadItem;

/**
 * Shrinks a sampled workload so that it runs on a small machine: prompt lengths are multiplied by
 * {@code maxInput / longest prompt} and output lengths by {@code maxOutput / longest output} (never
 * enlarged; rounded, at least 1), keeping the shape of the length distribution.
 */
record LengthScaling(int maxInput, int maxOutput) {
    LengthScaling {
        if (maxInput < 1 || maxOutput < 1) {
            throw new IllegalArgumentException("--scale-input and --scale-output must be >= 1, got " + maxInput + " and " + maxOutput);
        }
    }

    List<WorkloadItem> apply(List<WorkloadItem> items) {
        int longestPrompt = items.stream().mapToInt(WorkloadItem::promptTokens).max().orElse(1);
        int longestOutput = items.stream().mapToInt(WorkloadItem::outputTokens).max().orElse(1);
        double in = Math.min(1.0, (double) maxInput / longestPrompt);
        double out = Math.min(1.0, (double) maxOutput / longestOutput);
        return items.stream().map(i -> new WorkloadItem(scale(i.promptTokens(), in), scale(i.outputTokens(), out),
                i.arrivalNanos())).toList();
    }

    private static int scale(int tokens, double factor) {
        return (int) Math.max(1, Math.round(tokens * factor));
    }
}
