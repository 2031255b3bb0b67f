package org.tdpipe.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.tdpipe.core.engine.RunResult;
import org.tdpipe.core.timeline.ChromeTraceWriter;
import org.tdpipe.sim.report.TimelineChart;
import picocli.CommandLine.Option;

/** The files a policy comparison can write ({@code simulate}, {@code bench}): JSON, Chrome trace, chart. */
final class ReportOutputs {
    @Option(names = "--json", description = "Write the results as JSON")
    Path json;

    @Option(names = "--trace", description = "Write every run's pipeline timeline as Chrome trace JSON (open in Perfetto)")
    Path trace;

    @Option(names = "--chart", description = "Draw the pipeline timelines and a throughput bar chart (PNG)")
    Path chart;

    @Option(names = "--chart-window", description = "Draw only FROM:TO seconds of each run (bubbles become visible), e.g. 100:101")
    String chartWindow;

    /** Checks the options before any run starts. */
    void validate() {
        window();
    }

    void write(ThroughputReport report, List<RunResult> results, Map<String, Object> setup, PrintStream out) throws IOException {
        write(report, results, setup, Map.of(), out);
    }

    /** {@code sections}: more top-level JSON entries after {@code setup} and {@code runs}. */
    void write(ThroughputReport report, List<RunResult> results, Map<String, Object> setup, Map<String, Object> sections,
            PrintStream out) throws IOException {
        if (json != null) {
            report.writeJson(json, setup, sections);
            out.println("Wrote " + json);
        }
        if (chart != null) {
            new TimelineChart(1600).write(chart, results.stream().map(r -> new TimelineChart.Run(r.policy(), r.timeline(),
                    r.elapsedNanos(), r.outputTokensPerSecond())).toList(), window());
            out.println("Wrote " + chart);
        }
        if (trace != null) {
            ChromeTraceWriter.write(trace, results.stream().map(r -> new ChromeTraceWriter.Run(r.policy(), r.timeline())).toList());
            out.println("Wrote " + trace + " (open it in https://ui.perfetto.dev)");
        }
    }

    private TimelineChart.Window window() {
        if (chartWindow == null) {
            return null;
        }
        String[] parts = chartWindow.split(":");
        try {
            if (parts.length == 2) {
                return new TimelineChart.Window((long) (Double.parseDouble(parts[0]) * 1e9), (long) (Double.parseDouble(parts[1]) * 1e9));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--chart-window must be FROM:TO in seconds, e.g. 100:101, got '" + chartWindow + "'");
    }
}
