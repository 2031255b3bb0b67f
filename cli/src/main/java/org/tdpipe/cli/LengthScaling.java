package org.tdpipe.cli;

import java.util.List;
import org.tdpipe.core.predict.LengthScale;
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

    /** The factors that {@link #apply} uses on {@code items}. */
    LengthScale factors(List<WorkloadItem> items) {
        int longestPrompt = items.stream().mapToInt(WorkloadItem::promptTokens).max().orElse(1);
        int longestOutput = items.stream().mapToInt(WorkloadItem::outputTokens).max().orElse(1);
        return new LengthScale(Math.min(1.0, (double) maxInput / longestPrompt), Math.min(1.0, (double) maxOutput / longestOutput));
    }

    List<WorkloadItem> apply(List<WorkloadItem> items) {
        LengthScale f = factors(items);
        return items.stream().map(i -> new WorkloadItem(scale(i.promptTokens(), f.prompt()), scale(i.outputTokens(), f.output()),
                i.arrivalNanos())).toList();
    }

    private static int scale(int tokens, double factor) {
        return (int) Math.max(1, Math.round(tokens * factor));
    }
}
