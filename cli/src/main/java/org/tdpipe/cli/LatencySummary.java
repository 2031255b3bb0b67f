package org.tdpipe.cli;

import java.util.Arrays;
import java.util.List;

/**
 * Mean, standard deviation, median and percentiles of latencies in milliseconds; percentiles
 * interpolate linearly between order statistics (numpy's default, as vLLM reports them); all zero
 * when there are no samples.
 */
record LatencySummary(double mean, double std, double median, double p90, double p99) {
    static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0);

    static LatencySummary ofMillis(List<Double> millis) {
        if (millis.isEmpty()) {
            return EMPTY;
        }
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double mean = Arrays.stream(sorted).average().orElseThrow();
        double variance = Arrays.stream(sorted).map(x -> (x - mean) * (x - mean)).sum() / sorted.length;
        return new LatencySummary(mean, Math.sqrt(variance), percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99));
    }

    /** The {@code p}-th percentile of ascending {@code sorted}, linearly interpolated. */
    static double percentile(double[] sorted, double p) {
        double rank = p / 100 * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }
}
