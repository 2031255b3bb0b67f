package org.tdpipe.core.timeline;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes spans as Chrome trace-event JSON (opens in Perfetto or chrome://tracing): one process per
 * run, one thread row per stage, one complete event ("ph":"X") per span, times in microseconds.
 */
public final class ChromeTraceWriter {
    private ChromeTraceWriter() {
    }

    /** One named run (a policy) and its timeline. */
    public record Run(String name, Timeline timeline) {
    }

    public static void write(Path file, List<Run> runs) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(w, runs);
        }
    }

    public static void write(Writer w, List<Run> runs) throws IOException {
        w.write("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
        boolean first = true;
        for (int pid = 0; pid < runs.size(); pid++) {
            Run run = runs.get(pid);
            first = event(w, first, String.format(Locale.ROOT,
                    "{\"ph\":\"M\",\"pid\":%d,\"name\":\"process_name\",\"args\":{\"name\":\"%s\"}}", pid, escape(run.name())));
            for (int stage = 0; stage < run.timeline().numStages(); stage++) {
                first = event(w, first, String.format(Locale.ROOT,
                        "{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"name\":\"thread_name\",\"args\":{\"name\":\"stage %d\"}}",
                        pid, stage, stage));
            }
            for (Span s : run.timeline().spans()) {
                first = event(w, first, String.format(Locale.ROOT,
                        "{\"ph\":\"X\",\"pid\":%d,\"tid\":%d,\"name\":\"%s\",\"cat\":\"%s\",\"ts\":%.3f,\"dur\":%.3f,"
                                + "\"args\":{\"batch\":%d,\"seqs\":%d,\"tokens\":%d}}",
                        pid, s.stage(), s.phase().name().toLowerCase(Locale.ROOT), s.phase().name().toLowerCase(Locale.ROOT),
                        s.startNanos() / 1e3, s.durationNanos() / 1e3, s.batchId(), s.numSeqs(), s.numTokens()));
            }
        }
        w.write("\n]}\n");
    }

    private static boolean event(Writer w, boolean first, String json) throws IOException {
        if (!first) {
            w.write(",\n");
        }
        w.write(json);
        return false;
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
