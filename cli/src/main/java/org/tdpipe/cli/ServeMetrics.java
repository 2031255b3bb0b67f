package org.tdpipe.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of one {@code bench-serve} run, computed like vLLM's {@code bench serve}: throughputs
 * over the benchmark's wall time, token totals and latencies of the successful requests, TPOT per
 * request as (E2E − TTFT) / (output tokens − 1), ITL over every gap between content chunks, and the
 * peaks over one-second buckets (content chunks per second, requests in flight). Failed requests
 * are counted by error message.
 */
record ServeMetrics(LoadPattern pattern, int completed, int failed, double durationSeconds, long totalInputTokens,
        long totalOutputTokens, LatencySummary ttft, LatencySummary tpot, LatencySummary itl, LatencySummary e2el,
        double peakOutputTokensPerSecond, int peakConcurrentRequests, Map<String, Integer> errors,
        List<RequestOutcome> outcomes) {
    private static final double NANOS_PER_MS = 1e6;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    ServeMetrics {
        errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors));
        outcomes = List.copyOf(outcomes);
    }

    static ServeMetrics of(LoadPattern pattern, List<RequestOutcome> outcomes, long durationNanos) {
        List<RequestOutcome> ok = outcomes.stream().filter(RequestOutcome::succeeded).toList();
        Map<String, Integer> errors = new LinkedHashMap<>();
        outcomes.stream().filter(o -> !o.succeeded()).forEach(o -> errors.merge(o.error(), 1, Integer::sum));
        List<Double> itl = new ArrayList<>();
        ok.forEach(o -> o.itlNanos().forEach(gap -> itl.add(gap / NANOS_PER_MS)));
        Peaks peaks = Peaks.of(outcomes);
        return new ServeMetrics(pattern, ok.size(), outcomes.size() - ok.size(), durationNanos / 1e9,
                ok.stream().mapToLong(RequestOutcome::promptTokens).sum(),
                ok.stream().mapToLong(RequestOutcome::outputTokens).sum(),
                LatencySummary.ofMillis(ok.stream().map(o -> o.ttftNanos() / NANOS_PER_MS).toList()),
                LatencySummary.ofMillis(ok.stream().filter(o -> o.tpotNanos().isPresent())
                        .map(o -> o.tpotNanos().getAsDouble() / NANOS_PER_MS).toList()),
                LatencySummary.ofMillis(itl),
                LatencySummary.ofMillis(ok.stream().map(o -> o.e2eNanos() / NANOS_PER_MS).toList()),
                peaks.tokensPerSecond, peaks.concurrentRequests, errors, outcomes);
    }

    /** vLLM's peaks: content chunks and requests in flight per one-second bucket from the first send. */
    private record Peaks(double tokensPerSecond, int concurrentRequests) {
        static Peaks of(List<RequestOutcome> outcomes) {
            if (outcomes.isEmpty()) {
                return new Peaks(0, 0);
            }
            long first = outcomes.stream().mapToLong(RequestOutcome::startNanos).min().orElseThrow();
            long last = outcomes.stream().mapToLong(o -> o.startNanos() + o.e2eNanos()).max().orElseThrow();
            int buckets = (int) ((last - first + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND) + 1;
            int[] tokens = new int[buckets];
            int[] inFlight = new int[buckets];
            for (RequestOutcome o : outcomes) {
                if (!o.succeeded()) {
                    continue;
                }
                long at = o.startNanos() + o.ttftNanos();
                tokens[Math.min(buckets - 1, bucket(at - first))]++;
                for (long gap : o.itlNanos()) {
                    at += gap;
                    tokens[Math.min(buckets - 1, bucket(at - first))]++;
                }
                int end = Math.min(buckets - 1, bucket(o.startNanos() + o.e2eNanos() - first));
                for (int s = bucket(o.startNanos() - first); s <= end; s++) {
                    inFlight[s]++;
                }
            }
            return new Peaks(Arrays.stream(tokens).max().orElse(0), Arrays.stream(inFlight).max().orElse(0));
        }

        private static int bucket(long nanos) {
            return (int) (nanos / NANOS_PER_SECOND);
        }
    }

    double requestThroughput() {
        return completed / durationSeconds;
    }

    double outputThroughput() {
        return totalOutputTokens / durationSeconds;
    }

    double totalTokenThroughput() {
        return (totalInputTokens + totalOutputTokens) / durationSeconds;
    }

    /** vLLM's result block, line for line. */
    void print(PrintStream out, ReportedPercentiles reported) {
        out.println(centered(" Serving Benchmark Result ", '='));
        row(out, "Successful requests:", String.valueOf(completed));
        row(out, "Failed requests:", String.valueOf(failed));
        pattern.maxConcurrency().ifPresent(c -> row(out, "Maximum request concurrency:", String.valueOf(c)));
        if (Double.isFinite(pattern.requestRate())) {
            row(out, "Request rate configured (RPS):", fixed(pattern.requestRate()));
        }
        row(out, "Benchmark duration (s):", fixed(durationSeconds));
        row(out, "Total input tokens:", String.valueOf(totalInputTokens));
        row(out, "Total generated tokens:", String.valueOf(totalOutputTokens));
        row(out, "Request throughput (req/s):", fixed(requestThroughput()));
        row(out, "Output token throughput (tok/s):", fixed(outputThroughput()));
        row(out, "Peak output token throughput (tok/s):", fixed(peakOutputTokensPerSecond));
        row(out, "Peak concurrent requests:", fixed(peakConcurrentRequests));
        row(out, "Total Token throughput (tok/s):", fixed(totalTokenThroughput()));
        section(out, reported, "ttft", "TTFT", "Time to First Token", ttft);
        section(out, reported, "tpot", "TPOT", "Time per Output Token (excl. 1st token)", tpot);
        section(out, reported, "itl", "ITL", "Inter-token Latency", itl);
        section(out, reported, "e2el", "E2EL", "End-to-end Latency", e2el);
        out.println("=".repeat(50));
        errors.forEach((message, count) -> out.printf(Locale.ROOT, "Failed %d x: %s%n", count, message));
    }

    /** vLLM's result JSON (per-request lists in seconds, the reported latencies in milliseconds) and the error counts. */
    Map<String, Object> toJson(ReportedPercentiles reported) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("request_rate", Double.isFinite(pattern.requestRate()) ? pattern.requestRate() : "inf");
        m.put("burstiness", pattern.burstiness());
        m.put("max_concurrency", pattern.maxConcurrency().isPresent() ? pattern.maxConcurrency().getAsInt() : null);
        m.put("duration", durationSeconds);
        m.put("completed", completed);
        m.put("failed", failed);
        m.put("total_input_tokens", totalInputTokens);
        m.put("total_output_tokens", totalOutputTokens);
        m.put("request_throughput", requestThroughput());
        m.put("request_goodput", null);
        m.put("output_throughput", outputThroughput());
        m.put("total_token_throughput", totalTokenThroughput());
        m.put("max_output_tokens_per_s", peakOutputTokensPerSecond);
        m.put("max_concurrent_requests", peakConcurrentRequests);
        m.put("input_lens", outcomes.stream().map(RequestOutcome::promptTokens).toList());
        m.put("output_lens", outcomes.stream().map(RequestOutcome::outputTokens).toList());
        m.put("ttfts", outcomes.stream().map(o -> o.ttftNanos() / 1e9).toList());
        m.put("itls", outcomes.stream().map(o -> o.itlNanos().stream().map(gap -> gap / 1e9).toList()).toList());
        m.put("generated_texts", outcomes.stream().map(RequestOutcome::text).toList());
        m.put("errors", outcomes.stream().map(o -> o.succeeded() ? "" : o.error()).toList());
        put(m, reported, "ttft", ttft);
        put(m, reported, "tpot", tpot);
        put(m, reported, "itl", itl);
        put(m, reported, "e2el", e2el);
        return m;
    }

    private static void put(Map<String, Object> m, ReportedPercentiles reported, String name, LatencySummary s) {
        if (!reported.reports(name)) {
            return;
        }
        m.put("mean_" + name + "_ms", s.mean());
        m.put("median_" + name + "_ms", s.median());
        m.put("std_" + name + "_ms", s.std());
        for (double p : reported.percentiles()) {
            m.put("p" + ReportedPercentiles.word(p) + "_" + name + "_ms", s.percentile(p));
        }
    }

    private static void section(PrintStream out, ReportedPercentiles reported, String metric, String name, String title,
            LatencySummary s) {
        if (!reported.reports(metric)) {
            return;
        }
        out.println(centered(title, '-'));
        row(out, "Mean " + name + " (ms):", fixed(s.mean()));
        row(out, "Median " + name + " (ms):", fixed(s.median()));
        for (double p : reported.percentiles()) {
            row(out, "P" + ReportedPercentiles.word(p) + " " + name + " (ms):", fixed(s.percentile(p)));
        }
    }

    /** {@code text} centred in 50 characters of {@code fill}, the extra one on the right (Python's {@code ^}). */
    private static String centered(String text, char fill) {
        int pad = 50 - text.length();
        return String.valueOf(fill).repeat(pad / 2) + text + String.valueOf(fill).repeat(pad - pad / 2);
    }

    private static void row(PrintStream out, String label, String value) {
        out.printf(Locale.ROOT, "%-40s %-10s%n", label, value);
    }

    private static String fixed(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
