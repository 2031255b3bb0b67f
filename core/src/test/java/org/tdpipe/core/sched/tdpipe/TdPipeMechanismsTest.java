package org.tdpipe.core.sched.tdpipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdpipe.core.testing.TestRequests.ready;
import static org.tdpipe.core.testing.TestRequests.waiting;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.predict.OraclePredictor;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.sched.PolicyContext;
import org.tdpipe.core.testing.SharedData;

/** The four mechanisms on small hand-checked scenarios (DESIGN §2). */
class TdPipeMechanismsTest {

    @Test
    void memorySimulationCountsOnlyCheckpointsTheRequestSurvivesTo() {
        MemorySimulation sim = new MemorySimulation(16);
        sim.add(100, 20); // survives to m = 5, 8, 16: ceil(105/16)=7, ceil(108/16)=7, ceil(116/16)=8
        assertEquals(8, sim.peak());
        sim.add(100, 4); // predicted to finish before the first checkpoint: invisible (authors' quirk)
        assertEquals(8, sim.peak());
        sim.add(10, 5000); // survives to 4096: ceil(4106/16) = 257
        assertEquals(257, sim.peak());
        sim.clear();
        assertEquals(0, sim.peak());
    }

    @Test
    void prefillBatchClosesAtTheTokenBudgetAndIgnoresWhatCanNeverFit() {
        BlockManager blocks = new BlockManager(100, 16, 0.0);
        PrefillBatcher batcher = new PrefillBatcher(blocks, 192, 2048);
        java.util.ArrayDeque<Request> waiting = new java.util.ArrayDeque<>();
        for (int i = 0; i < 6; i++) {
            waiting.add(waiting(i, 50, 10));
        }
        List<ScheduledSeq> first = batcher.form(waiting, 0, r -> { });
        assertEquals(4, first.size(), "4 × 50 = 200 ≥ 192 closes the batch");
        assertEquals(2, waiting.size());

        waiting.clear();
        waiting.add(waiting(10, 300, 10));
        waiting.add(waiting(11, 20, 10));
        assertEquals(1, batcher.form(waiting, 0, r -> { }).size(), "a prompt ≥ 192 tokens forms a batch alone");

        waiting.clear();
        waiting.add(waiting(20, 3000, 10)); // over the prompt limit
        waiting.add(waiting(21, 20, 10));
        List<Request> ignored = new ArrayList<>();
        List<ScheduledSeq> batch = batcher.form(waiting, 0, ignored::add);
        assertEquals(1, ignored.size());
        assertEquals(21, batch.get(0).request().id());
    }

    @Test
    void prefillWaitsWhenBlocksAreShortButNotForever() {
        BlockManager blocks = new BlockManager(10, 16, 0.0);
        PrefillBatcher batcher = new PrefillBatcher(blocks, 192, 2048);
        java.util.ArrayDeque<Request> waiting = new java.util.ArrayDeque<>();
        waiting.add(waiting(0, 16 * 8, 10));
        waiting.add(waiting(1, 16 * 4, 10));
        assertEquals(1, batcher.form(waiting, 0, r -> { }).size());
        assertTrue(batcher.form(waiting, 0, r -> { }).isEmpty(), "LATER: 2 free blocks, 4 needed");
        assertEquals(1, waiting.size());
    }

    @Test
    void workStealingTargetsAnEvenShareAndRoundRobinsTheRemainder() {
        BlockManager blocks = new BlockManager(1000, 16, 0.0);
        WorkStealingBatcher batcher = new WorkStealingBatcher(4, new DecodeSlots(blocks));
        TreeSet<Request> ready = new TreeSet<>(Request.ARRIVAL_ORDER);
        for (int i = 0; i < 32; i++) {
            ready.add(ready(i, 16, blocks));
        }
        // B = 32 ready + 10 in flight = 42 over P = 4: share 10, remainder 2 → batches 0 and 1 get 11.
        assertEquals(ids(0, 11), ids(batcher.form(ready, 10, 0, 0, r -> { })), "FCFS, target 11 at decode count 0");
        assertEquals(ids(11, 21), ids(batcher.form(ready, 21, 2, 0, r -> { })), "target 10 at decode count 2");
        assertEquals(11, ready.size());
    }

    @Test
    void workStealingRebalancesABatchThatLostFinishedRequests() {
        BlockManager blocks = new BlockManager(1000, 16, 0.0);
        WorkStealingBatcher batcher = new WorkStealingBatcher(2, new DecodeSlots(blocks));
        TreeSet<Request> ready = new TreeSet<>(Request.ARRIVAL_ORDER);
        // Two batches of 20 in flight; one returns having lost 10 finished requests: it is
        // re-formed with all 10 (target 15 not reached). The other returns with 20: the next batch
        // takes 15, the remaining 5 wait and top up the smaller one: sizes converge to 15 / 15.
        for (int i = 0; i < 10; i++) {
            ready.add(ready(i, 16, blocks));
        }
        assertEquals(10, batcher.form(ready, 20, 0, 0, r -> { }).size());
        for (int i = 10; i < 30; i++) {
            ready.add(ready(i, 16, blocks));
        }
        assertEquals(15, batcher.form(ready, 10, 1, 0, r -> { }).size());
        assertEquals(5, ready.size());
    }

    @Test
    void workStealingAbsorbsASmallLeftover() {
        BlockManager blocks = new BlockManager(1000, 16, 0.0);
        WorkStealingBatcher batcher = new WorkStealingBatcher(4, new DecodeSlots(blocks));
        TreeSet<Request> ready = new TreeSet<>(Request.ARRIVAL_ORDER);
        for (int i = 0; i < 40; i++) {
            ready.add(ready(i, 16, blocks));
        }
        // B = 40 + 3 in flight = 43: target 10 (+1 at decode count 0); 29 left > P: stop at 11.
        assertEquals(11, batcher.form(ready, 3, 0, 0, r -> { }).size());
        ready.clear();
        for (int i = 100; i < 113; i++) {
            ready.add(ready(i, 16, blocks));
        }
        // B = 13 + 30 in flight = 43, target 10 at decode count 3: 3 left ≤ P are absorbed.
        assertEquals(13, batcher.form(ready, 30, 3, 0, r -> { }).size());
    }

    @Test
    void decodePreemptsTheMostRecentArrivalWhenBlocksRunOut() {
        BlockManager blocks = new BlockManager(3, 16, 0.0);
        WorkStealingBatcher batcher = new WorkStealingBatcher(1, new DecodeSlots(blocks));
        TreeSet<Request> ready = new TreeSet<>(Request.ARRIVAL_ORDER);
        for (int i = 0; i < 3; i++) {
            ready.add(ready(i, 16, blocks)); // each fills its block: the next token needs a new one
        }
        List<Request> preempted = new ArrayList<>();
        List<ScheduledSeq> batch = batcher.form(ready, 0, 0, 0, r -> {
            blocks.free(r);
            r.markPreempted();
            preempted.add(r);
        });
        // Request 0 needs a block: the most recent arrival (2) is preempted to free one. Request 1
        // then needs one too, but the last ready request is never preempted for another: it waits.
        assertEquals(List.of(2L), preempted.stream().map(Request::id).toList());
        assertEquals(List.of(0L), ids(batch));
        assertEquals(List.of(1L), ready.stream().map(Request::id).toList());
    }

    @Test
    void greedyPrefillStopsAtTheNinetyPercentPredictedPeak() {
        // 16-token prompts, 100 predicted output tokens: each request's predicted peak is at
        // checkpoint 64: ceil(80/16) = 5 blocks. 12 requests per prefill batch (12 × 16 = 192).
        // After two batches the predicted peak is 120 ≥ 0.9 × 100: switch to decode although only
        // 24 of the 100 blocks are really in use.
        TdPipePolicy policy = policy(100, TdPipeOptions.faithful());
        for (int i = 0; i < 50; i++) {
            policy.add(waiting(i, 16, 100));
        }
        assertEquals(12, policy.schedule(0, r -> { }).orElseThrow().seqs().size());
        assertEquals(12, policy.schedule(0, r -> { }).orElseThrow().seqs().size());
        assertTrue(policy.schedule(0, r -> { }).isEmpty(), "decode phase, nothing ready yet");
        assertEquals("decode", policy.stats().phase());
        assertEquals(26, policy.stats().waiting());
        assertEquals(24, policy.stats().usedBlocks());

        TdPipePolicy notGreedy = policy(100, TdPipeOptions.faithful().withGreedyPrefill(false));
        for (int i = 0; i < 50; i++) {
            notGreedy.add(waiting(i, 16, 100));
        }
        int prefilled = 0;
        for (Optional<StepBatch> b = notGreedy.schedule(0, r -> { }); b.isPresent(); b = notGreedy.schedule(0, r -> { })) {
            assertEquals(Phase.PREFILL, b.get().phase());
            prefilled += b.get().seqs().size();
        }
        assertEquals(50, prefilled, "without greedy prefill it admits while real memory lasts");
    }

    @Test
    void withoutAPredictorPrefillRunsUntilTheBlocksHeldNowReachTheStopLine() {
        // The same requests as above: 1 block each now, whatever their predicted 100 tokens. The
        // stop line is 0.9 × 100 blocks of current footprint: 8 batches of 12 (96 blocks).
        TdPipePolicy policy = policy(100, TdPipeOptions.faithful().withMemoryPlan(TdPipeOptions.MemoryPlan.CURRENT_FOOTPRINT));
        for (int i = 0; i < 200; i++) {
            policy.add(waiting(i, 16, 100));
        }
        int prefilled = 0;
        for (Optional<StepBatch> b = policy.schedule(0, r -> { }); b.isPresent(); b = policy.schedule(0, r -> { })) {
            assertEquals(Phase.PREFILL, b.get().phase());
            prefilled += b.get().seqs().size();
        }
        assertEquals(96, prefilled);
        assertEquals("decode", policy.stats().phase());
        assertEquals(96, policy.stats().usedBlocks());
    }

    @Test
    void intensityRuleMatchesTheValuesEvaluatedOnTheAuthorsProfile() {
        Profile l20 = Profile.read(SharedData.require("profiles/L20-Llama-13B.csv"));
        IntensitySwitchRule rule = new IntensitySwitchRule(l20, 4, TdPipeOptions.faithful());
        // B = 256 in flight, one 300-token request waiting (reference: 1.59 vs 0.40): switch.
        IntensitySwitchRule.Decision d = rule.evaluate(256, List.of(waiting(1, 300, 100)), new MemorySimulation(16), 10_000);
        assertEquals(0.399, d.decodeIntensity(), 0.001);
        assertEquals(1.59, d.prefillIntensity(), 0.005);
        assertTrue(d.switchToPrefill());
        // A single 2048-token request while per-stage decode is 128 (reference: ≈0.47 vs 0.73): keep decoding.
        d = rule.evaluate(512, List.of(waiting(2, 2048, 10)), new MemorySimulation(16), 10_000);
        assertEquals(0.732, d.decodeIntensity(), 0.001);
        assertTrue(d.prefillIntensity() < d.decodeIntensity(), "prefill intensity " + d.prefillIntensity());
        assertFalse(d.switchToPrefill());
    }

    @Test
    void intensityRuleStaysInDecodeWhenNothingIsAdmissibleOrFewerRequestsThanStages() {
        Profile flat = new Profile("flat", new double[] {10, 10, 10, 10});
        IntensitySwitchRule rule = new IntensitySwitchRule(flat, 4, TdPipeOptions.faithful().withSwitchRule(TdPipeOptions.SwitchRule.INTENSITY));
        MemorySimulation full = new MemorySimulation(16);
        full.add(16 * 100, 10); // peak 101 blocks ≥ capacity 100: nothing admissible (no division by zero)
        assertFalse(rule.evaluate(8, List.of(waiting(1, 16, 10)), full, 100).switchToPrefill());
        assertEquals(0, rule.decodeIntensity(0), "I(0) is 0 with fewer requests than stages");
    }

    private static TdPipePolicy policy(int blocks, TdPipeOptions options) {
        return new TdPipePolicy("td-pipe", new PolicyContext(4, blocks, 16, 4096, TdPipeSmokeTest.linearProfile(),
                new OraclePredictor()), options);
    }

    private static List<Long> ids(long from, long to) {
        return java.util.stream.LongStream.range(from, to).boxed().toList();
    }

    private static List<Long> ids(List<ScheduledSeq> batch) {
        return batch.stream().map(s -> s.request().id()).toList();
    }
}
