package org.tdpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchProgressTest {
    private static final long SECOND = 1_000_000_000L;

    private long now;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private BatchProgress progress(BatchProgress.Style style, int total) {
        return new BatchProgress(new PrintStream(err, true, StandardCharsets.UTF_8), style, total, () -> now);
    }

    private void finishOne(BatchProgress progress, int tokens) {
        for (int i = 0; i < tokens; i++) {
            progress.onToken();
        }
        progress.onCompletion(null);
    }

    @Test
    void plainLinesComeAtEveryTenthWithRateAndEta() {
        BatchProgress progress = progress(BatchProgress.Style.lines, 20);
        assertEquals("0/20 requests | 0.0 tok/s | ETA ?", progress.status());
        for (int i = 0; i < 20; i++) {
            now += SECOND;
            finishOne(progress, 50);
        }
        progress.finish();
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(10, lines.size(), lines.toString());
        assertEquals("2/20 requests | 50.0 tok/s | ETA 0:18", lines.getFirst());
        assertEquals("20/20 requests | 50.0 tok/s | ETA 0:00", lines.getLast());
    }

    @Test
    void theBarRedrawsInPlaceAtMostFiveTimesASecond() {
        BatchProgress progress = progress(BatchProgress.Style.bar, 4);
        finishOne(progress, 10);
        now += SECOND / 100;
        finishOne(progress, 10);
        now += SECOND;
        finishOne(progress, 10);
        finishOne(progress, 10);
        progress.finish();
        String out = err.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("\r[" + "#".repeat(30) + "] 4/4 requests | 39.6 tok/s | ETA 0:00"), out);
        assertTrue(out.split("\r").length <= 6, out);
        assertTrue(out.endsWith(System.lineSeparator()), "the bar's line is ended");
    }

    @Test
    void noneIsSilent() {
        BatchProgress progress = progress(BatchProgress.Style.none, 2);
        finishOne(progress, 3);
        finishOne(progress, 3);
        progress.finish();
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }
}
