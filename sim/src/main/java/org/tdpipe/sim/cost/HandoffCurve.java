package org.tdpipe.sim.cost;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.tdpipe.core.profile.HandoffTiming;

/**
 * The measured hand-off between pipeline stages as a function of the batch's tokens (its
 * activations' size): the mean over the stage boundaries of each measured size, linear between
 * sizes, flat below the smallest and along the last measured slope (if it rises) past the largest:
 * a fixed per-message cost plus a per-byte cost, as a link has.
 */
public final class HandoffCurve implements StageHop {
    private final int[] tokens;
    private final double[] ms;

    /** The curve of {@code timings}, hand-offs between stages (none: hand-offs cost nothing). */
    public HandoffCurve(List<HandoffTiming> timings) {
        Map<Integer, Double> mean = new TreeMap<>(timings.stream()
                .collect(Collectors.groupingBy(HandoffTiming::tokens, Collectors.averagingDouble(HandoffTiming::ms))));
        this.tokens = mean.keySet().stream().mapToInt(Integer::intValue).toArray();
        this.ms = mean.values().stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Override
    public long nanos(int numTokens) {
        return Math.round(ms(numTokens) * 1e6);
    }

    double ms(int n) {
        int last = tokens.length - 1;
        if (last < 0) {
            return 0;
        }
        if (n <= tokens[0] || last == 0) {
            return ms[0];
        }
        int i = 1;
        while (i < last && tokens[i] < n) {
            i++;
        }
        double slope = (ms[i] - ms[i - 1]) / (tokens[i] - tokens[i - 1]);
        if (n > tokens[last]) {
            return ms[last] + Math.max(0, slope) * (n - tokens[last]);
        }
        return ms[i - 1] + slope * (n - tokens[i - 1]);
    }
}
