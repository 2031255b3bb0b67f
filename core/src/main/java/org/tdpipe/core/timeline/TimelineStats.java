package org.tdpipe.core.timeline;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Stage utilization and the pipeline bubble ratio over a window:
 * {@code bubble = 1 − Σ busy / (P × makespan)} (DESIGN §4), split by cause.
 *
 * @param utilization busy fraction of each stage over the window
 * @param bubbleShare idle time of each cause as a fraction of {@code P × makespan}
 *                    ({@link BubbleAttribution}); the shares sum to {@code bubbleRatio}
 */
public record TimelineStats(long makespanNanos, double[] utilization, double bubbleRatio,
        Map<BubbleCause, Double> bubbleShare) {

    /** @param spans ordered by stage then start time, as {@link Timeline#spans()} gives them */
    public static TimelineStats of(int numStages, List<Span> spans, List<Starvation> starvations, long startNanos,
            long endNanos) {
        long makespan = Math.max(0, endNanos - startNanos);
        double[] busy = new double[numStages];
        for (Span s : spans) {
            long from = Math.max(s.startNanos(), startNanos);
            long to = Math.min(s.endNanos(), endNanos);
            if (to > from) {
                busy[s.stage()] += to - from;
            }
        }
        double total = 0;
        double[] utilization = new double[numStages];
        for (int i = 0; i < numStages; i++) {
            utilization[i] = makespan == 0 ? 0 : busy[i] / makespan;
            total += busy[i];
        }
        double capacity = (double) numStages * makespan;
        double bubble = makespan == 0 ? 0 : 1 - total / capacity;
        Map<BubbleCause, Double> share = new EnumMap<>(BubbleCause.class);
        new BubbleAttribution(numStages, BubbleAttribution.DEFAULT_MAX_TOP_UP_BATCHES)
                .idleNanos(spans, starvations, startNanos, endNanos)
                .forEach((cause, idle) -> share.put(cause, makespan == 0 ? 0 : idle / capacity));
        return new TimelineStats(makespan, utilization, bubble, Collections.unmodifiableMap(share));
    }
}
