package org.tdpipe.core.timeline;

import java.util.List;

/**
 * Stage utilization and the pipeline bubble ratio over a window:
 * {@code bubble = 1 − Σ busy / (P × makespan)} (DESIGN §4).
 *
 * @param utilization busy fraction of each stage over the window
 */
public record TimelineStats(long makespanNanos, double[] utilization, double bubbleRatio) {

    public static TimelineStats of(int numStages, List<Span> spans, long startNanos, long endNanos) {
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
        double bubble = makespan == 0 ? 0 : 1 - total / ((double) numStages * makespan);
        return new TimelineStats(makespan, utilization, bubble);
    }
}
