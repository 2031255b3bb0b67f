package org.tdpipe.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.StepResult;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.core.timeline.Span;
import org.tdpipe.sim.cost.ActivationTransfer;
import org.tdpipe.sim.cost.StageCostModel;
import org.tdpipe.sim.hw.LinkSpec;
import org.tdpipe.sim.model.ModelShape;

class SimulatedExecutorTest {
    /** hidden 1000 over a 1 GB/s link with 1 µs latency: a hop of n tokens takes 1000 + 4000·n ns. */
    private static final ModelShape TINY = new ModelShape("tiny", 4, 1000, 4, 4, 250, 4000, 100, false, true, false);
    private static final ActivationTransfer HOP = new ActivationTransfer(new LinkSpec(1, 1), TINY);
    /** Stage s takes (s + 1) × 100 ns per token. */
    private static final StageCostModel COST = (load, stage, numStages) -> (stage + 1) * 100L * load.numTokens();

    private static StepBatch batch(long id, int tokens) {
        Request r = new Request(id, "r" + id, new int[tokens], SamplingParams.fixedLength(4), 0);
        return new StepBatch(id, Phase.PREFILL, List.of(new ScheduledSeq(r, 0, tokens, true)), 0);
    }

    @Test
    void stageTimesFollowTheFifoArithmetic() {
        SimulatedExecutor ex = new SimulatedExecutor(2, 2, COST, HOP, 500);
        ex.submit(batch(1, 10)); // stage 0: [0, 1000); hop 41000; stage 1: [42000, 44000); done 44500
        ex.submit(batch(2, 1)); // stage 0: [1000, 1100); hop 5000; stage 1 free at 44000: [44000, 44200); done 44700
        List<Span> spans = ex.timeline().spans();
        assertEquals(List.of(
                new Span(0, 1, Phase.PREFILL, 1, 10, 0, 1000),
                new Span(0, 2, Phase.PREFILL, 1, 1, 1000, 1100),
                new Span(1, 1, Phase.PREFILL, 1, 10, 42_000, 44_000),
                new Span(1, 2, Phase.PREFILL, 1, 1, 44_000, 44_200)), spans);
        assertFalse(ex.hasFreeSlot());
        assertEquals(1, ex.next(Long.MAX_VALUE).orElseThrow().batch().id());
        assertEquals(44_500, ex.clock().nanos());
        StepResult second = ex.next(Long.MAX_VALUE).orElseThrow();
        assertEquals(2, second.batch().id());
        assertEquals(44_700, ex.clock().nanos());
        assertEquals(SimulatedExecutor.SAMPLED_TOKEN, second.sampled().get(0).token());
    }

    @Test
    void aLaterSubmissionStartsAtTheCurrentTime() {
        SimulatedExecutor ex = new SimulatedExecutor(1, 1, COST, HOP, 0);
        assertTrue(ex.next(5_000).isEmpty(), "nothing in flight: wait until the deadline");
        assertEquals(5_000, ex.clock().nanos());
        ex.submit(batch(1, 3));
        assertEquals(new Span(0, 1, Phase.PREFILL, 1, 3, 5_000, 5_300), ex.timeline().spans().get(0));
    }

    @Test
    void nextStopsAtTheDeadlineWhenNothingCompletes() {
        SimulatedExecutor ex = new SimulatedExecutor(2, 2, COST, HOP, 0);
        ex.submit(batch(1, 10));
        assertEquals(Optional.empty(), ex.next(10_000));
        assertEquals(10_000, ex.clock().nanos());
        assertEquals(1, ex.inFlight());
        assertTrue(ex.next(Long.MAX_VALUE).isPresent());
        assertEquals(44_000, ex.clock().nanos());
    }

    @Test
    void refusesMoreThanMaxInFlight() {
        SimulatedExecutor ex = new SimulatedExecutor(4, 1, COST, HOP, 0);
        ex.submit(batch(1, 2));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ex.submit(batch(2, 2)));
        assertTrue(e.getMessage().contains("1 of 1 in flight"), e.getMessage());
        ex.next(Long.MAX_VALUE);
        ex.submit(batch(2, 2));
    }

    @Test
    void nonSamplingSequencesGetNoToken() {
        SimulatedExecutor ex = new SimulatedExecutor(1, 1, COST, HOP, 0);
        Request r = new Request(1, "r", new int[100], SamplingParams.fixedLength(4), 0);
        ex.submit(new StepBatch(1, Phase.PREFILL, List.of(new ScheduledSeq(r, 0, 50, false)), 0));
        assertEquals(List.of(), ex.next(Long.MAX_VALUE).orElseThrow().sampled());
    }

    /** Submits batches of the given sizes, keeping the pipeline full, and returns spans and completion order. */
    private static List<Object> run(List<Integer> sizes, int stages, int maxInFlight) {
        SimulatedExecutor ex = new SimulatedExecutor(stages, maxInFlight, COST, HOP, 7);
        List<Long> completed = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        int next = 0;
        while (next < sizes.size() || ex.inFlight() > 0) {
            while (next < sizes.size() && ex.hasFreeSlot()) {
                ex.submit(batch(next, sizes.get(next)));
                next++;
            }
            assertTrue(ex.inFlight() <= maxInFlight);
            StepResult r = ex.next(Long.MAX_VALUE).orElseThrow();
            completed.add(r.batch().id());
            times.add(ex.clock().nanos());
        }
        return List.of(ex.timeline().spans(), completed, times);
    }

    @Property(tries = 50)
    void deterministicInOrderAndStagesNeverOverlap(@ForAll @Size(min = 1, max = 30) List<@IntRange(min = 1, max = 500) Integer> sizes,
            @ForAll @IntRange(min = 1, max = 4) int stages, @ForAll @IntRange(min = 1, max = 6) int maxInFlight) {
        List<Object> first = run(sizes, stages, maxInFlight);
        assertEquals(first, run(sizes, stages, maxInFlight), "same inputs, same spans and completions");
        @SuppressWarnings("unchecked")
        List<Long> completed = (List<Long>) first.get(1);
        for (int i = 0; i < completed.size(); i++) {
            assertEquals(i, completed.get(i), "completions in launch order");
        }
        @SuppressWarnings("unchecked")
        List<Span> spans = (List<Span>) first.get(0);
        assertEquals(sizes.size() * stages, spans.size());
        for (int i = 1; i < spans.size(); i++) {
            Span a = spans.get(i - 1);
            Span b = spans.get(i);
            if (a.stage() == b.stage()) {
                assertTrue(a.endNanos() <= b.startNanos(), "a stage serves one batch at a time: " + a + " / " + b);
                assertTrue(a.batchId() < b.batchId(), "FIFO");
            }
        }
    }
}
