package org.tdpipe.core.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.Phase;

class BubbleAttributionTest {
    private static final long MS = 1_000_000;
    private static final int P = 4;

    private static Map<BubbleCause, Long> attribute(ClosedLoopPipeline pipeline) {
        Timeline t = pipeline.timeline();
        return new BubbleAttribution(P, BubbleAttribution.DEFAULT_MAX_TOP_UP_BATCHES)
                .idleNanos(t.spans(), t.starvations(), 0, pipeline.makespan());
    }

    /** Expected idle per cause in ms; causes not named are 0. */
    private static Map<BubbleCause, Long> expected(Object... causeAndMillis) {
        Map<BubbleCause, Long> m = new EnumMap<>(BubbleCause.class);
        for (BubbleCause c : BubbleCause.values()) {
            m.put(c, 0L);
        }
        for (int i = 0; i < causeAndMillis.length; i += 2) {
            m.put((BubbleCause) causeAndMillis[i], ((Integer) causeAndMillis[i + 1]) * MS);
        }
        return m;
    }

    @Test
    void equalBatchesOnlyFillAndDrainThePipeline() {
        ClosedLoopPipeline p = new ClosedLoopPipeline(P).run(10, Phase.PREFILL, 3 * MS);
        // stage s waits s × 3 ms to fill and (P − 1 − s) × 3 ms to drain
        assertEquals(expected(BubbleCause.FILL_DRAIN, P * (P - 1) * 3), attribute(p));
    }

    @Test
    void decodeBatchesQueuedBehindATopUpPrefillAreATopUpStall() {
        ClosedLoopPipeline p = new ClosedLoopPipeline(P).run(20, Phase.DECODE, MS);
        p.launch(Phase.PREFILL, 5 * MS, 0);
        p.run(20, Phase.DECODE, MS);
        // each stage first waits for the 5 ms prefill, then the decode round behind it comes
        // back late: P × (P − 1) × (5 − 1) ms, and the convoy of equal batches heals in one round
        assertEquals(expected(BubbleCause.FILL_DRAIN, P * (P - 1), BubbleCause.TOP_UP_STALL, P * (P - 1) * 4),
                attribute(p));
    }

    @Test
    void aLongPrefillPhaseThenDecodeIsAPhaseSwitch() {
        ClosedLoopPipeline p = new ClosedLoopPipeline(P).run(8, Phase.PREFILL, 3 * MS).run(12, Phase.DECODE, MS);
        // fill 3 ms per stage step, drain 1 ms per step; the first decode round trickles in as
        // prefills return: stage 0 waits 3 × 2 ms, stage 1 2 × 2, stage 2 1 × 2
        assertEquals(expected(BubbleCause.FILL_DRAIN, 6 * 3 + 6, BubbleCause.PHASE_SWITCH, 12), attribute(p));
    }

    @Test
    void twoPrefillBatchesBetweenDecodesAreAPhaseSwitchUnlessTheTopUpLimitAllowsTwo() {
        ClosedLoopPipeline p = new ClosedLoopPipeline(P).run(20, Phase.DECODE, MS).run(2, Phase.PREFILL, 5 * MS)
                .run(20, Phase.DECODE, MS);
        Timeline t = p.timeline();
        Map<BubbleCause, Long> strict = attribute(p);
        Map<BubbleCause, Long> lenient = new BubbleAttribution(P, 2).idleNanos(t.spans(), t.starvations(), 0, p.makespan());
        assertTrue(strict.get(BubbleCause.PHASE_SWITCH) > 0);
        assertEquals(0, strict.get(BubbleCause.TOP_UP_STALL));
        assertEquals(strict.get(BubbleCause.PHASE_SWITCH), lenient.get(BubbleCause.TOP_UP_STALL));
        assertEquals(0, lenient.get(BubbleCause.PHASE_SWITCH));
    }

    @Test
    void unequalDecodeBatchesInASteadyPhaseAreBatchImbalance() {
        ClosedLoopPipeline p = new ClosedLoopPipeline(P);
        for (int i = 0; i < 40; i++) {
            p.launch(Phase.DECODE, (i % P == 0 ? 3 : 1) * MS, 0);
        }
        Map<BubbleCause, Long> idle = attribute(p);
        assertTrue(idle.get(BubbleCause.BATCH_IMBALANCE) > 0, idle.toString());
        assertEquals(0, idle.get(BubbleCause.PHASE_SWITCH));
        assertEquals(0, idle.get(BubbleCause.TOP_UP_STALL));
        assertEquals(0, idle.get(BubbleCause.MEMORY));
    }

    @Test
    void aLateLaunchWithRequestsWaitingIsMemoryAndWithoutIsFillDrain() {
        for (int waiting : new int[] {3, 0}) {
            ClosedLoopPipeline p = new ClosedLoopPipeline(P).run(8, Phase.DECODE, MS);
            long late = p.launch(Phase.DECODE, MS, 20 * MS);
            p.timeline().recordStarvation(new Starvation(late, p.slotFreeNanos(late), p.launchNanos(late), waiting));
            p.run(8, Phase.DECODE, MS);
            // every stage waits the 12 ms the slot stood empty
            BubbleCause cause = waiting > 0 ? BubbleCause.MEMORY : BubbleCause.FILL_DRAIN;
            Map<BubbleCause, Long> want = expected(BubbleCause.FILL_DRAIN, P * (P - 1));
            want.merge(cause, P * 12 * MS, Long::sum);
            assertEquals(want, attribute(p), "waiting " + waiting);
        }
    }

    @Test
    void aStarvationTakesAtMostItsDelayFromEachGap() {
        ClosedLoopPipeline p = new ClosedLoopPipeline(P).run(20, Phase.DECODE, MS);
        long topUp = p.launch(Phase.PREFILL, 5 * MS, 0);
        // the top-up launched 1 ms after its slot freed: of the 4, 8 and 12 ms that stages 1 to 3
        // wait for it, the last 1 ms each is memory and the rest stays a top-up stall
        p.timeline().recordStarvation(new Starvation(topUp, p.launchNanos(topUp) - MS, p.launchNanos(topUp), 2));
        p.run(20, Phase.DECODE, MS);
        assertEquals(expected(BubbleCause.FILL_DRAIN, P * (P - 1), BubbleCause.TOP_UP_STALL, P * (P - 1) * 4 - 3,
                BubbleCause.MEMORY, 3), attribute(p));
    }

    @Test
    void aWindowCountsOnlyTheIdleTimeInsideIt() {
        ClosedLoopPipeline p = new ClosedLoopPipeline(P).run(10, Phase.PREFILL, 3 * MS);
        Timeline t = p.timeline();
        // [0, 6 ms): stage 1 idles 3 ms, stages 2 and 3 all 6 ms, all filling
        assertEquals(expected(BubbleCause.FILL_DRAIN, 15),
                new BubbleAttribution(P, 1).idleNanos(t.spans(), List.of(), 0, 6 * MS));
    }

    @Test
    void theSharesOfTheStatsSumToTheBubbleRatio() {
        ClosedLoopPipeline p = new ClosedLoopPipeline(P).run(20, Phase.DECODE, MS);
        p.launch(Phase.PREFILL, 5 * MS, 0);
        p.run(20, Phase.DECODE, MS);
        TimelineStats stats = p.timeline().stats(0, p.makespan());
        double sum = stats.bubbleShare().values().stream().mapToDouble(Double::doubleValue).sum();
        assertEquals(stats.bubbleRatio(), sum, 1e-12);
        assertEquals(P * (P - 1) * 4.0 / (P * (double) p.makespan() / MS), stats.bubbleShare().get(BubbleCause.TOP_UP_STALL),
                1e-12);
    }

    @Test
    void aSpanWithoutAStageZeroSpanIsRejectedByName() {
        Timeline t = new Timeline(2);
        t.record(new Span(0, 1, Phase.DECODE, 1, 1, 0, 10));
        t.record(new Span(1, 1, Phase.DECODE, 1, 1, 10, 20));
        t.record(new Span(1, 7, Phase.DECODE, 1, 1, 30, 40));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BubbleAttribution(2, 1).idleNanos(t.spans(), List.of(), 0, 40));
        assertTrue(e.getMessage().contains("batch 7"), e.getMessage());
    }

    @Test
    void spansOutOfOrderAreRejected() {
        List<Span> spans = List.of(new Span(0, 2, Phase.DECODE, 1, 1, 20, 30), new Span(0, 1, Phase.DECODE, 1, 1, 0, 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BubbleAttribution(1, 1).idleNanos(spans, List.of(), 0, 30));
        assertTrue(e.getMessage().contains("ordered by start"), e.getMessage());
        List<Span> stages = List.of(new Span(1, 1, Phase.DECODE, 1, 1, 10, 20), new Span(0, 1, Phase.DECODE, 1, 1, 0, 10));
        e = assertThrows(IllegalArgumentException.class, () -> new BubbleAttribution(2, 1).idleNanos(stages, List.of(), 0, 30));
        assertTrue(e.getMessage().contains("ordered by stage"), e.getMessage());
    }

    @Test
    void anEmptyTimelineIsAllFillAndDrain() {
        Map<BubbleCause, Long> idle = new BubbleAttribution(3, 1).idleNanos(List.of(), List.of(), 0, 10);
        assertEquals(30, idle.get(BubbleCause.FILL_DRAIN));
    }
}
