package org.tdpipe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tdpipe.core.engine.RunResult;
import org.tdpipe.core.timeline.BubbleCause;

/**
 * Prints runs the way vLLM's {@code benchmark_throughput} does, one block per policy, then a
 * comparison table and where each pipeline waits (idle time by {@link BubbleCause}); writes the same
 * numbers as JSON.
 */
final class ThroughputReport {
    private final List<RunResult> runs;

    ThroughputReport(List<RunResult> runs) {
        this.runs = List.copyOf(runs);
    }

    static void printRun(PrintStream out, RunResult r) {
        out.printf(Locale.ROOT, "=== %s ===%n", r.policy());
        out.printf(Locale.ROOT, "Throughput: %.2f requests/s, %.2f total tokens/s, %.2f output tokens/s%n",
                r.requestsPerSecond(), r.totalTokensPerSecond(), r.outputTokensPerSecond());
        out.printf(Locale.ROOT, "Total num prompt tokens:  %d%n", r.promptTokens());
        out.printf(Locale.ROOT, "Total num output tokens:  %d%n", r.outputTokens());
    }

    void printTable(PrintStream out) {
        RunResult reference = runs.stream().filter(r -> r.policy().equals("pp-vllm")).findFirst().orElse(runs.get(0));
        out.println();
        String name = nameColumn();
        out.printf(Locale.ROOT, name + " %9s %11s %11s %9s %7s %9s %9s %10s%n", "policy", "req/s", "tok/s", "out tok/s",
                "elapsed s", "bubble", "preempt", "switches", "vs " + reference.policy());
        for (RunResult r : runs) {
            out.printf(Locale.ROOT, name + " %9.3f %11.1f %11.1f %9.1f %6.1f%% %9d %9d %9.2fx%n", r.policy(),
                    r.requestsPerSecond(), r.totalTokensPerSecond(), r.outputTokensPerSecond(), r.elapsedSeconds(),
                    100 * r.timelineStats().bubbleRatio(), r.schedulerStats().preemptions(),
                    r.schedulerStats().phaseSwitches(), r.totalTokensPerSecond() / reference.totalTokensPerSecond());
        }
        printBubbleTable(out);
    }

    /** A left-aligned column as wide as the longest policy name. */
    private String nameColumn() {
        int width = "policy".length();
        for (RunResult r : runs) {
            width = Math.max(width, r.policy().length());
        }
        return "%-" + width + "s";
    }

    /** Policy × cause, in % of P × makespan; a row sums to the bubble column above. */
    private void printBubbleTable(PrintStream out) {
        out.println();
        out.println("Where the pipeline waits (idle time by cause, % of stages x elapsed):");
        String name = nameColumn();
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, name, "policy"));
        for (BubbleCause c : BubbleCause.values()) {
            header.append(String.format(Locale.ROOT, " %15s", c.label()));
        }
        out.println(header);
        for (RunResult r : runs) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, name, r.policy()));
            for (BubbleCause c : BubbleCause.values()) {
                row.append(String.format(Locale.ROOT, " %14.1f%%", 100 * r.timelineStats().bubbleShare().get(c)));
            }
            out.println(row);
        }
    }

    /** Idle fraction of P × makespan per cause, keyed by {@link BubbleCause#key()}; sums to bubble_ratio. */
    private static Map<String, Double> bubbleBreakdown(RunResult r) {
        Map<String, Double> breakdown = new LinkedHashMap<>();
        r.timelineStats().bubbleShare().forEach((cause, share) -> breakdown.put(cause.key(), share));
        return breakdown;
    }

    void writeJson(Path file, Map<String, Object> setup, Map<String, Object> sections) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (RunResult r : runs) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("policy", r.policy());
            row.put("num_requests", r.requests().size());
            row.put("prompt_tokens", r.promptTokens());
            row.put("output_tokens", r.outputTokens());
            row.put("elapsed_s", r.elapsedSeconds());
            row.put("requests_per_s", r.requestsPerSecond());
            row.put("total_tokens_per_s", r.totalTokensPerSecond());
            row.put("output_tokens_per_s", r.outputTokensPerSecond());
            row.put("bubble_ratio", r.timelineStats().bubbleRatio());
            row.put("bubble_breakdown", bubbleBreakdown(r));
            row.put("stage_utilization", r.timelineStats().utilization());
            row.put("preemptions", r.schedulerStats().preemptions());
            row.put("phase_switches", r.schedulerStats().phaseSwitches());
            rows.add(row);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("setup", setup);
        doc.put("runs", rows);
        doc.putAll(sections);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), doc);
    }
}
