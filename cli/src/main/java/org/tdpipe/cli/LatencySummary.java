package org.tdpipe.cli;

import java.util.Arrays;
import java.util.List;

/**
 * Mean, standard deviation, median and any percentile of latencies in milliseconds; percentiles
 * interpolate linearly between order statistics (numpy's default, as vLLM reports them); all zero
 * when there are no samples.
 */
final class LatencySummary {
    private final double[] sorted;
    private final double mean;
    private final double std;

    private LatencySummary(double[] sorted) {
        this.sorted = sorted;
        this.mean = sorted.length == 0 ? 0 : Arrays.stream(sorted).average().orElseThrow();
        this.std = sorted.length == 0 ? 0 : Math.sqrt(Arrays.stream(sorted).map(x -> (x - mean) * (x - mean)).sum() / sorted.length);
    }

    static LatencySummary ofMillis(List<Double> millis) {
        return new LatencySummary(millis.stream().mapToDouble(Double::doubleValue).sorted().toArray());
    }

    double mean() {
        return mean;
    }

    double std() {
        return std;
    }

    double median() {
        return percentile(50);
    }

    /** The {@code p}-th percentile (0–100), linearly interpolated; 0 without samples. */
    double percentile(double p) {
        if (sorted.length == 0) {
            return 0;
        }
        double rank = p / 100 * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }
}
