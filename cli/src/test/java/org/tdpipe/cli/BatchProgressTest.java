package org.tdpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.request.SamplingParams;

class BatchProgressTest {
    private static final long SECOND = 1_000_000_000L;

    private long now;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<GenerationRun.Item> items = new ArrayList<>();

    private BatchProgress progress(BatchProgress.Style style, int requests, int maxTokens) {
        for (int i = 0; i < requests; i++) {
            PromptFile.Entry entry = new PromptFile.Entry("r" + i, i + 1, new PromptInput.Text("x"), SamplingParams.greedy(maxTokens), 1);
            items.add(new GenerationRun.Item(entry, new int[] {1}));
        }
        return new BatchProgress(new PrintStream(err, true, StandardCharsets.UTF_8), style, items, () -> now);
    }

    private void finish(BatchProgress progress, int request, int tokens) {
        for (int i = 0; i < tokens; i++) {
            progress.onToken();
        }
        progress.onCompletion(new Completion("r" + request, new PromptInput.Text("x"), 1,
                List.of(new Completion.Choice("", new int[tokens], "stop", tokens, List.of()))));
    }

    @Test
    void plainLinesComeAtEveryTenthWithTheRateAndTheTokenBudgetLeft() {
        BatchProgress progress = progress(BatchProgress.Style.lines, 20, 100);
        assertEquals("0/20 requests | 0.0 tok/s | ETA ?", progress.status());
        for (int i = 0; i < 20; i++) {
            now += SECOND;
            finish(progress, i, 50);
        }
        progress.finish();
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(10, lines.size(), lines.toString());
        // 2 x 50 tokens in 2 s; the two finished gave back 2 x 50 of their 100: 1,800 tokens left at 50 tok/s
        assertEquals("2/20 requests | 50.0 tok/s | ETA 0:36", lines.getFirst());
        assertEquals("20/20 requests | 50.0 tok/s | ETA 0:00", lines.getLast());
    }

    @Test
    void theBarRedrawsInPlaceAtMostFiveTimesASecond() {
        BatchProgress progress = progress(BatchProgress.Style.bar, 4, 10);
        finish(progress, 0, 10);
        now += SECOND / 100;
        finish(progress, 1, 10);
        now += SECOND;
        finish(progress, 2, 10);
        finish(progress, 3, 10);
        progress.finish();
        String out = err.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("\r[" + "#".repeat(30) + "] 4/4 requests | 39.6 tok/s | ETA 0:00"), out);
        assertTrue(out.split("\r").length <= 6, out);
        assertTrue(out.endsWith(System.lineSeparator()), "the bar's line is ended");
    }

    @Test
    void noneIsSilent() {
        BatchProgress progress = progress(BatchProgress.Style.none, 2, 3);
        finish(progress, 0, 3);
        finish(progress, 1, 3);
        progress.finish();
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }
}
