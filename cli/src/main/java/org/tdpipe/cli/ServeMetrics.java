package org.tdpipe.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of one load level of {@code bench-serve}, computed like vLLM's {@code bench serve}:
 * throughputs over the benchmark's wall time, token totals and latencies of the successful
 * requests, TPOT per request as (E2E − TTFT) / (output tokens − 1), ITL over every gap between
 * content chunks. Failed requests are counted by error message.
 */
record ServeMetrics(int concurrency, int completed, int failed, double durationSeconds, long totalInputTokens,
        long totalOutputTokens, LatencySummary ttft, LatencySummary tpot, LatencySummary itl, LatencySummary e2el,
        Map<String, Integer> errors) {
    private static final double NANOS_PER_MS = 1e6;

    static ServeMetrics of(int concurrency, List<RequestOutcome> outcomes, long durationNanos) {
        List<RequestOutcome> ok = outcomes.stream().filter(RequestOutcome::succeeded).toList();
        Map<String, Integer> errors = new LinkedHashMap<>();
        outcomes.stream().filter(o -> !o.succeeded()).forEach(o -> errors.merge(o.error(), 1, Integer::sum));
        List<Double> itl = new ArrayList<>();
        ok.forEach(o -> o.itlNanos().forEach(gap -> itl.add(gap / NANOS_PER_MS)));
        return new ServeMetrics(concurrency, ok.size(), outcomes.size() - ok.size(), durationNanos / 1e9,
                ok.stream().mapToLong(RequestOutcome::promptTokens).sum(),
                ok.stream().mapToLong(RequestOutcome::outputTokens).sum(),
                LatencySummary.ofMillis(ok.stream().map(o -> o.ttftNanos() / NANOS_PER_MS).toList()),
                LatencySummary.ofMillis(ok.stream().filter(o -> o.tpotNanos().isPresent())
                        .map(o -> o.tpotNanos().getAsDouble() / NANOS_PER_MS).toList()),
                LatencySummary.ofMillis(itl),
                LatencySummary.ofMillis(ok.stream().map(o -> o.e2eNanos() / NANOS_PER_MS).toList()),
                errors);
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

    /** vLLM's result block. */
    void print(PrintStream out) {
        out.println("============ Serving Benchmark Result ============");
        row(out, "Maximum request concurrency:", String.valueOf(concurrency));
        row(out, "Successful requests:", String.valueOf(completed));
        row(out, "Failed requests:", String.valueOf(failed));
        row(out, "Benchmark duration (s):", fixed(durationSeconds));
        row(out, "Total input tokens:", String.valueOf(totalInputTokens));
        row(out, "Total generated tokens:", String.valueOf(totalOutputTokens));
        row(out, "Request throughput (req/s):", fixed(requestThroughput()));
        row(out, "Output token throughput (tok/s):", fixed(outputThroughput()));
        row(out, "Total Token throughput (tok/s):", fixed(totalTokenThroughput()));
        section(out, "Time to First Token", "TTFT", ttft);
        section(out, "Time per Output Token (excl. 1st token)", "TPOT", tpot);
        section(out, "Inter-token Latency", "ITL", itl);
        section(out, "End-to-end Latency", "E2EL", e2el);
        out.println("=".repeat(50));
        errors.forEach((message, count) -> out.printf(Locale.ROOT, "Failed %d x: %s%n", count, message));
    }

    /** vLLM's JSON field names, plus the concurrency and the errors. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_concurrency", concurrency);
        m.put("duration", durationSeconds);
        m.put("completed", completed);
        m.put("failed", failed);
        m.put("total_input_tokens", totalInputTokens);
        m.put("total_output_tokens", totalOutputTokens);
        m.put("request_throughput", requestThroughput());
        m.put("output_throughput", outputThroughput());
        m.put("total_token_throughput", totalTokenThroughput());
        put(m, "ttft", ttft);
        put(m, "tpot", tpot);
        put(m, "itl", itl);
        put(m, "e2el", e2el);
        m.put("errors", errors);
        return m;
    }

    private static void put(Map<String, Object> m, String name, LatencySummary s) {
        m.put("mean_" + name + "_ms", s.mean());
        m.put("median_" + name + "_ms", s.median());
        m.put("std_" + name + "_ms", s.std());
        m.put("p90_" + name + "_ms", s.p90());
        m.put("p99_" + name + "_ms", s.p99());
    }

    private static void section(PrintStream out, String title, String name, LatencySummary s) {
        int dashes = 50 - title.length();
        out.println("-".repeat(dashes / 2) + title + "-".repeat(dashes - dashes / 2));
        row(out, "Mean " + name + " (ms):", fixed(s.mean()));
        row(out, "Median " + name + " (ms):", fixed(s.median()));
        row(out, "P99 " + name + " (ms):", fixed(s.p99()));
    }

    private static void row(PrintStream out, String label, String value) {
        out.printf(Locale.ROOT, "%-40s %-10s%n", label, value);
    }

    private static String fixed(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
