package org.tdpipe.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.StepResult;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.core.timeline.Span;
import org.tdpipe.sim.cost.BatchLoad;
import org.tdpipe.sim.cost.ContendedStageCost;
import org.tdpipe.sim.cost.StageHop;

class ContendedPipelineExecutorTest {
    /** A stage's time at one end of contention. */
    @FunctionalInterface
    private interface StageTime {
        long nanos(BatchLoad load, int stage);
    }

    private static ContendedStageCost cost(int stages, StageTime alone, StageTime busy) {
        return new ContendedStageCost() {
            @Override
            public int numStages() {
                return stages;
            }

            @Override
            public long aloneNanos(BatchLoad load, int stage) {
                return alone.nanos(load, stage);
            }

            @Override
            public long busyNanos(BatchLoad load, int stage) {
                return busy.nanos(load, stage);
            }
        };
    }

    /** A stage takes 1000 ns per token alone and 2000 ns per token while every other stage works. */
    private static ContendedStageCost twiceAsSlowBusy(int stages) {
        return cost(stages, (load, stage) -> 1000L * load.numTokens(), (load, stage) -> 2000L * load.numTokens());
    }

    /** Stage s takes (s + 1) × 100 ns per token whatever the others do. */
    private static ContendedStageCost uncontended(int stages) {
        StageTime time = (load, stage) -> (stage + 1) * 100L * load.numTokens();
        return cost(stages, time, time);
    }

    private static final StageHop HOP = tokens -> 1000 + 40L * tokens;

    private static StepBatch batch(long id, int tokens) {
        Request r = new Request(id, "r" + id, new int[tokens], SamplingParams.fixedLength(4), 0);
        return new StepBatch(id, Phase.PREFILL, List.of(new ScheduledSeq(r, 0, tokens, true)), 0);
    }

    @Test
    void stagesWorkingAtOnceSlowEachOtherDown() {
        ContendedPipelineExecutor ex = new ContendedPipelineExecutor(2, twiceAsSlowBusy(2), 0, StageHop.NONE, 0);
        ex.submit(batch(1, 10));
        ex.submit(batch(2, 5));
        assertEquals(1, ex.next(Long.MAX_VALUE).orElseThrow().batch().id());
        assertEquals(25_000, ex.clock().nanos());
        assertEquals(2, ex.next(Long.MAX_VALUE).orElseThrow().batch().id());
        assertEquals(30_000, ex.clock().nanos());
        // batch 1 alone on stage 0; then both stages at half speed until batch 2 leaves stage 0 at
        // 20 µs with batch 1 half done on stage 1; batch 1 finishes alone in 5 µs, then batch 2 alone
        assertEquals(List.of(
                new Span(0, 1, Phase.PREFILL, 1, 10, 0, 10_000),
                new Span(0, 2, Phase.PREFILL, 1, 5, 10_000, 20_000),
                new Span(1, 1, Phase.PREFILL, 1, 10, 10_000, 25_000),
                new Span(1, 2, Phase.PREFILL, 1, 5, 25_000, 30_000)), sortedSpans(ex));
    }

    @Test
    void nextStopsAtTheDeadlineWithTheWorkDoneSoFar() {
        ContendedPipelineExecutor ex = new ContendedPipelineExecutor(2, twiceAsSlowBusy(2), 0, StageHop.NONE, 0);
        assertTrue(ex.next(5_000).isEmpty(), "nothing in flight: wait until the deadline");
        assertEquals(5_000, ex.clock().nanos());
        ex.submit(batch(1, 10));
        assertEquals(Optional.empty(), ex.next(12_000));
        assertEquals(12_000, ex.clock().nanos());
        ex.submit(batch(2, 4)); // queued behind batch 1, which has 3 µs left on stage 0
        assertEquals(1, ex.next(Long.MAX_VALUE).orElseThrow().batch().id());
        // from 15 µs batch 2 on stage 0 (8 µs busy) and batch 1 on stage 1 at half speed; at 23 µs
        // batch 1 has 0.6 of its work left, alone: 6 µs
        assertEquals(29_000, ex.clock().nanos());
        assertEquals(List.of(new Span(0, 1, Phase.PREFILL, 1, 10, 5_000, 15_000), new Span(0, 2, Phase.PREFILL, 1, 4, 15_000, 23_000),
                new Span(1, 1, Phase.PREFILL, 1, 10, 15_000, 29_000)), sortedSpans(ex));
    }

    @Test
    void aBatchReachesTheFirstStageALaunchDelayAfterItsSubmission() {
        ContendedPipelineExecutor ex = new ContendedPipelineExecutor(2, twiceAsSlowBusy(2), 500, tokens -> 250, 125);
        ex.submit(batch(1, 2));
        assertEquals(1, ex.next(Long.MAX_VALUE).orElseThrow().batch().id());
        assertEquals(500 + 2_000 + 250 + 2_000 + 125, ex.clock().nanos());
        assertEquals(List.of(new Span(0, 1, Phase.PREFILL, 1, 2, 500, 2_500), new Span(1, 1, Phase.PREFILL, 1, 2, 2_750, 4_750)),
                sortedSpans(ex));
    }

    @Test
    void refusesMoreBatchesThanStagesAndAProfileOfAnotherDepth() {
        ContendedPipelineExecutor ex = new ContendedPipelineExecutor(2, twiceAsSlowBusy(2), 0, StageHop.NONE, 0);
        ex.submit(batch(1, 2));
        ex.submit(batch(2, 2));
        var full = assertThrows(IllegalStateException.class, () -> ex.submit(batch(3, 2)));
        assertEquals("no free slot for batch 3: 2 of 2 in flight", full.getMessage());
        var depth = assertThrows(IllegalArgumentException.class,
                () -> new ContendedPipelineExecutor(3, twiceAsSlowBusy(2), 0, StageHop.NONE, 0));
        assertEquals("the stage cost describes 2 stages, not 3", depth.getMessage());
    }

    /** Submits batches of the given sizes, keeping the pipeline full; every {@code step} ns a deadline interrupts. */
    private static List<Object> run(PipelineExecutor ex, List<Integer> sizes, long step) {
        List<Long> completed = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        int next = 0;
        while (next < sizes.size() || ex.inFlight() > 0) {
            while (next < sizes.size() && ex.hasFreeSlot()) {
                ex.submit(batch(next, sizes.get(next)));
                next++;
            }
            Optional<StepResult> r = ex.next(step == 0 ? Long.MAX_VALUE : ex.clock().nanos() + step);
            if (r.isPresent()) {
                completed.add(r.get().batch().id());
                times.add(ex.clock().nanos());
            }
        }
        List<Span> spans = new ArrayList<>(ex.timeline().spans());
        spans.sort(Comparator.comparingInt(Span::stage).thenComparingLong(Span::batchId));
        return List.of(spans, completed, times);
    }

    @Property(tries = 50)
    void withoutContentionItIsTheFifoPipeline(@ForAll @Size(min = 1, max = 30) List<@IntRange(min = 1, max = 500) Integer> sizes,
            @ForAll @IntRange(min = 1, max = 4) int stages) {
        List<Object> fifo = run(new SimulatedExecutor(stages, stages, (load, stage, p) -> (stage + 1) * 100L * load.numTokens(),
                HOP, 7), sizes, 0);
        assertEquals(fifo, run(new ContendedPipelineExecutor(stages, uncontended(stages), 0, HOP, 7), sizes, 0));
    }

    @Property(tries = 50)
    void deadlinesDoNotChangeTheSchedule(@ForAll @Size(min = 1, max = 30) List<@IntRange(min = 1, max = 500) Integer> sizes,
            @ForAll @IntRange(min = 1, max = 4) int stages, @ForAll @IntRange(min = 1, max = 100_000) int step) {
        List<Object> straight = run(new ContendedPipelineExecutor(stages, twiceAsSlowBusy(stages), 3, HOP, 7), sizes, 0);
        List<Object> interrupted = run(new ContendedPipelineExecutor(stages, twiceAsSlowBusy(stages), 3, HOP, 7), sizes, step);
        assertEquals(straight.get(1), interrupted.get(1), "completions in launch order either way");
        // a deadline splits a span's progress into two steps: rounding may move an end by a nanosecond
        @SuppressWarnings("unchecked")
        List<Span> a = (List<Span>) straight.get(0);
        @SuppressWarnings("unchecked")
        List<Span> b = (List<Span>) interrupted.get(0);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).startNanos(), b.get(i).startNanos(), a.size(), a.get(i) + " / " + b.get(i));
            assertEquals(a.get(i).endNanos(), b.get(i).endNanos(), a.size(), a.get(i) + " / " + b.get(i));
        }
    }

    private static List<Span> sortedSpans(PipelineExecutor ex) {
        List<Span> spans = new ArrayList<>(ex.timeline().spans());
        spans.sort(Comparator.comparingInt(Span::stage).thenComparingLong(Span::batchId));
        return spans;
    }
}
