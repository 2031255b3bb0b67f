package org.tdpipe.cli;

import java.util.List;
import java.util.Locale;

/**
 * Which latencies {@code bench-serve} reports and at which percentiles, as vLLM's
 * {@code --percentile-metrics} (of ttft, tpot, itl, e2el; default ttft,tpot,itl) and
 * {@code --metric-percentiles} (default 99).
 */
record ReportedPercentiles(List<String> metrics, List<Double> percentiles) {
    static final List<String> KNOWN = List.of("ttft", "tpot", "itl", "e2el");
    static final ReportedPercentiles DEFAULT = new ReportedPercentiles(List.of("ttft", "tpot", "itl"), List.of(99.0));

    ReportedPercentiles {
        metrics = List.copyOf(metrics);
        percentiles = List.copyOf(percentiles);
        for (String m : metrics) {
            if (!KNOWN.contains(m)) {
                throw new IllegalArgumentException("--percentile-metrics: unknown metric '" + m + "'; known: " + String.join(",", KNOWN));
            }
        }
        for (double p : percentiles) {
            if (!(p >= 0 && p <= 100)) {
                throw new IllegalArgumentException("--metric-percentiles must be in [0, 100], got " + p);
            }
        }
    }

    boolean reports(String metric) {
        return metrics.contains(metric);
    }

    /** vLLM's name of a percentile: {@code 99} for 99.0, {@code 99.9} otherwise. */
    static String word(double p) {
        return p == Math.rint(p) ? String.valueOf((long) p) : String.format(Locale.ROOT, "%s", p);
    }
}
