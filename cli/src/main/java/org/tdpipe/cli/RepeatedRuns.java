package org.tdpipe.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tdpipe.core.engine.RunResult;

/**
 * The runs of each policy when a benchmark repeats them (interleaved: A, B, C, A, B, C, …): per
 * policy the median, min and max throughput, and the median run that stands for the policy in
 * tables and charts.
 */
final class RepeatedRuns {
    private final Map<String, List<MeasuredRun>> byPolicy = new LinkedHashMap<>();

    void add(String policy, MeasuredRun run) {
        byPolicy.computeIfAbsent(policy, p -> new ArrayList<>()).add(run);
    }

    List<String> policies() {
        return List.copyOf(byPolicy.keySet());
    }

    /** The run with the median total throughput (the lower of the two middle runs for an even count). */
    MeasuredRun representative(String policy) {
        List<MeasuredRun> sorted = new ArrayList<>(runs(policy));
        sorted.sort(Comparator.comparingDouble(r -> r.result().totalTokensPerSecond()));
        return sorted.get((sorted.size() - 1) / 2);
    }

    List<RunResult> representatives() {
        return policies().stream().map(p -> representative(p).result()).toList();
    }

    /** Median total tokens/s over the policy's runs. */
    double medianTokensPerSecond(String policy) {
        return median(totalTokensPerSecond(policy));
    }

    private List<MeasuredRun> runs(String policy) {
        List<MeasuredRun> runs = byPolicy.get(policy);
        if (runs == null) {
            throw new IllegalArgumentException("no runs of policy " + policy);
        }
        return runs;
    }

    private double[] totalTokensPerSecond(String policy) {
        return runs(policy).stream().mapToDouble(r -> r.result().totalTokensPerSecond()).toArray();
    }

    private double[] bubbleRatios(String policy) {
        return runs(policy).stream().mapToDouble(r -> r.result().timelineStats().bubbleRatio()).toArray();
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** Median, min and max per policy. */
    void printSpread(PrintStream out) {
        out.println();
        out.println("Repeated runs (interleaved), total tokens/s and bubble:");
        for (String p : policies()) {
            double[] tps = totalTokensPerSecond(p);
            double[] bubble = bubbleRatios(p);
            out.printf(Locale.ROOT, "  %-20s median %8.1f  min %8.1f  max %8.1f  (%d runs: %s)  bubble median %.1f%%%n", p,
                    median(tps), min(tps), max(tps), tps.length, join(tps), 100 * median(bubble));
        }
    }

    /** Per policy: every run's throughput, elapsed time and bubble, and the median, min and max throughput. */
    Map<String, Object> json() {
        Map<String, Object> doc = new LinkedHashMap<>();
        for (String p : policies()) {
            double[] tps = totalTokensPerSecond(p);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("total_tokens_per_s", tps);
            m.put("output_tokens_per_s", runs(p).stream().mapToDouble(r -> r.result().outputTokensPerSecond()).toArray());
            m.put("elapsed_s", runs(p).stream().mapToDouble(r -> r.result().elapsedSeconds()).toArray());
            m.put("bubble_ratio", bubbleRatios(p));
            m.put("median_total_tokens_per_s", median(tps));
            m.put("min_total_tokens_per_s", min(tps));
            m.put("max_total_tokens_per_s", max(tps));
            m.put("median_bubble_ratio", median(bubbleRatios(p)));
            doc.put(p, m);
        }
        return doc;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElseThrow();
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElseThrow();
    }

    private static String join(double[] v) {
        return String.join(", ", Arrays.stream(v).mapToObj(x -> String.format(Locale.ROOT, "%.1f", x)).toList());
    }
}
