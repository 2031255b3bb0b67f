package org.tdpipe.core.timeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.Phase;

class TimelineRetentionTest {
    private static final long MS = 1_000_000;
    private static final int P = 3;

    /** Batch {@code id} launched at {@code id} ms, 1 ms per stage, idle every 7th launch (a starvation). */
    private static void recordBatch(Timeline t, long id) {
        long launch = id * MS;
        if (id % 7 == 0) {
            t.recordStarvation(new Starvation(id, launch - MS / 2, launch, (int) (id % 3)));
        }
        for (int stage = 0; stage < P; stage++) {
            t.record(new Span(stage, id, id % 50 < 40 ? Phase.DECODE : Phase.PREFILL, 1, 1, launch + stage * MS,
                    launch + (stage + 1) * MS));
        }
    }

    @Test
    void aTimelineKeepsEverythingUnlessBounded() {
        Timeline t = new Timeline(P);
        for (long id = 0; id < 10_000; id++) {
            recordBatch(t, id);
        }
        assertEquals(Timeline.KEEP_ALL, t.retentionNanos());
        assertEquals(10_000 * P, t.spans().size());
        assertEquals((10_000 + 6) / 7, t.starvations().size());
        assertTrue(new Timeline(P).lastRecorded().isEmpty());
    }

    @Test
    void aBoundedTimelineHoldsAboutTwiceItsHorizonHoweverLongItRuns() {
        Timeline t = new Timeline(P);
        t.retainOnlyLast(100 * MS); // about 100 batches, 300 spans
        int most = 0;
        for (long id = 0; id < 200_000; id++) {
            recordBatch(t, id);
            if (id % 1000 == 0) {
                most = Math.max(most, t.spans().size() + t.starvations().size());
            }
        }
        assertTrue(most <= 2 * (100 + P + 1) * (P + 1) + 1024, "holds " + most);
        List<Span> kept = t.spans();
        assertTrue(kept.stream().anyMatch(s -> s.batchId() == 199_999), "the newest batch is kept");
        assertTrue(kept.stream().allMatch(s -> s.endNanos() >= (199_999 - 100 - 2 * 1024) * MS), "old batches are gone");
        Span last = t.lastRecorded().orElseThrow();
        assertEquals(199_999, last.batchId());
        assertEquals(P - 1, last.stage());
    }

    @Test
    void statsOverAWindowInsideTheHorizonAreThoseOfTheFullTimeline() {
        Timeline full = new Timeline(P);
        Timeline bounded = new Timeline(P);
        bounded.retainOnlyLast(500 * MS);
        for (long id = 0; id < 20_000; id++) {
            recordBatch(full, id);
            recordBatch(bounded, id);
        }
        long end = 20_000 * MS + P * MS;
        for (long window : new long[] {10 * MS, 100 * MS, 500 * MS}) {
            TimelineStats a = full.stats(end - window, end);
            TimelineStats b = bounded.stats(end - window, end);
            assertArrayEquals(a.utilization(), b.utilization(), 1e-12);
            assertEquals(a.bubbleRatio(), b.bubbleRatio(), 1e-12);
        }
        assertTrue(bounded.spans().size() < full.spans().size() / 10);
    }

    @Test
    void batchesAreDroppedWholeAndALateSpanOfADroppedBatchIsNotKept() {
        Timeline t = new Timeline(2);
        t.retainOnlyLast(10 * MS);
        t.record(new Span(0, 0, Phase.PREFILL, 1, 1, 0, MS));
        for (long id = 1; id < 2_000; id++) { // batch 0 stays on stage 1 for ever
            t.record(new Span(0, id, Phase.DECODE, 1, 1, id * MS, (id + 1) * MS));
            t.record(new Span(1, id, Phase.DECODE, 1, 1, id * MS, (id + 1) * MS));
        }
        t.record(new Span(1, 0, Phase.PREFILL, 1, 1, MS, 2_000 * MS));
        List<Span> kept = t.spans();
        assertTrue(kept.stream().noneMatch(s -> s.batchId() == 0), "batch 0 was dropped before its stage-1 span came");
        // every kept batch still has its stage-0 span, so the bubble attribution accepts the timeline
        t.stats(1_990 * MS, 2_000 * MS);
    }

    @Test
    void retentionMustBePositive() {
        Timeline t = new Timeline(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.retainOnlyLast(0));
        assertTrue(e.getMessage().contains("retention"), e.getMessage());
    }
}
