package org.tdpipe.core.metrics;

/**
 * A histogram's state at one instant.
 *
 * @param upperBounds finite bucket bounds, increasing; the {@code +Inf} bucket is implicit
 * @param cumulativeCounts observations {@code <= upperBounds[i]}; one more entry for {@code +Inf}, equal to {@code count}
 */
record HistogramSnapshot(double[] upperBounds, long[] cumulativeCounts, double sum, long count) {
}
