package org.tdpipe.core.metrics;

import java.util.Arrays;

/**
 * Counts observations in fixed buckets ({@code le} semantics: a value lands in the first bucket
 * whose upper bound is {@code >=} it) with their sum. Not thread-safe: its owner guards it.
 */
final class Histogram {
    private final double[] upperBounds;
    /** Per bucket, not cumulative; the last one is {@code +Inf}. */
    private final long[] counts;
    private double sum;
    private long count;

    Histogram(double[] upperBounds) {
        if (upperBounds.length == 0) {
            throw new IllegalArgumentException("a histogram needs at least one finite bucket bound");
        }
        for (int i = 0; i < upperBounds.length; i++) {
            if (!Double.isFinite(upperBounds[i]) || (i > 0 && upperBounds[i] <= upperBounds[i - 1])) {
                throw new IllegalArgumentException("bucket bounds must be finite and increasing: " + Arrays.toString(upperBounds));
            }
        }
        this.upperBounds = upperBounds.clone();
        this.counts = new long[upperBounds.length + 1];
    }

    void observe(double value) {
        if (Double.isNaN(value)) {
            throw new IllegalArgumentException("cannot observe NaN");
        }
        int i = Arrays.binarySearch(upperBounds, value);
        counts[i >= 0 ? i : -i - 1]++;
        sum += value;
        count++;
    }

    HistogramSnapshot snapshot() {
        long[] cumulative = new long[counts.length];
        long running = 0;
        for (int i = 0; i < counts.length; i++) {
            running += counts[i];
            cumulative[i] = running;
        }
        return new HistogramSnapshot(upperBounds.clone(), cumulative, sum, count);
    }
}
