package org.tdpipe.core.sched.adaptive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tdpipe.core.testing.PolicyDriver.ids;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.predict.OraclePredictor;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.sched.PolicyContext;
import org.tdpipe.core.testing.PolicyDriver;

/**
 * The adaptive policy's phase decisions on hand-driven runs over P = 2 stages, blocks of 16
 * tokens, and the memory plan on {@code MemorySimulation.FINE_CHECKPOINTS} (0, 1, 2, 4, …, 12, 16,
 * 24, 32, …): a request of {@code len} tokens with {@code r} predicted to go weighs
 * {@code ceil((len + m) / 16)} blocks at each checkpoint {@code m ≤ r}.
 */
class AdaptiveTdPipePolicyTest {
    private static final int STAGES = 2;

    /** Every batch size costs 40 ms: rounds last 40 ms, and no micro-batch is longer than another. */
    private static final Profile FLAT = profile(n -> 40);
    /** T[n] = 10 + n ms. */
    private static final Profile LINEAR = profile(n -> 10 + n);

    private static Profile profile(IntToDoubleFunction ms) {
        double[] rows = new double[2048];
        Arrays.setAll(rows, i -> ms.applyAsDouble(i + 1));
        return new Profile("test", rows);
    }

    private static PolicyDriver driver(int numBlocks, Profile profile, AdaptiveOptions options) {
        return new PolicyDriver(new AdaptiveTdPipePolicy(AdaptiveTdPipePolicy.NAME,
                new PolicyContext(STAGES, numBlocks, 16, 4096, profile, new OraclePredictor()), options));
    }

    /** Memory plan only (no lookahead), derived watermark, prefill micro-batches of {@code chunk} tokens. */
    private static AdaptiveOptions memoryOnly(double memoryLine, int chunk) {
        return new AdaptiveOptions(memoryLine, chunk, -1, false);
    }

    private static Request add(PolicyDriver d, int promptLen, int predicted) {
        Request r = d.add(promptLen, 1000);
        r.setPredictedOutputLength(predicted);
        return r;
    }

    /**
     * Requests 0–3 (16-token prompts) prefilled in two 32-token micro-batches and decoded once
     * each: afterwards 0 and 1 are ready with 18 tokens (2 generated), and 2 and 3 run their
     * first decode step with 17 tokens (1 generated) — the round's second micro-batch in flight.
     */
    private static void twoReadyTwoRunning(PolicyDriver d, int predictedReady, int predictedRunning) {
        add(d, 16, predictedReady);
        add(d, 16, predictedReady);
        add(d, 16, predictedRunning);
        add(d, 16, predictedRunning);
        StepBatch first = d.launch();
        StepBatch second = d.launch();
        assertEquals(List.of(List.of(0L, 1L), List.of(2L, 3L)), List.of(ids(first), ids(second)));
        d.tryLaunch(); // the plan is done: decode, with nothing ready yet
        d.complete(first);
        StepBatch decodeOfFirst = d.launch();
        d.complete(second);
        StepBatch decodeOfSecond = d.launch();
        d.complete(decodeOfFirst);
        assertEquals(List.of(List.of(1L, 0L), List.of(3L, 2L)), List.of(ids(decodeOfFirst), ids(decodeOfSecond)));
    }

    /**
     * {@code count} 16-token prompts predicted to 16 more, prefilled in one micro-batch and ready
     * to decode; prefill micro-batches of max(96, 16 × count) tokens, 64 blocks, no lookahead.
     */
    private static PolicyDriver decoding(int count) {
        PolicyDriver d = driver(64, FLAT, memoryOnly(-1, Math.max(96, 16 * count)));
        for (int i = 0; i < count; i++) {
            add(d, 16, 16);
        }
        StepBatch prefill = d.launch();
        d.tryLaunch(); // the plan is done: decode, with nothing ready yet
        d.complete(prefill);
        return d;
    }

    @Test
    void aRefillIsConsideredOnceEveryRoundOfPDecodeBatches() {
        PolicyDriver d = decoding(6);
        StepBatch first = d.launch(); // B = 6: share 3, the 3 left are more than P
        assertEquals(3, first.seqs().size());
        add(d, 16, 16); // fits: 6 × 2 + 2 blocks under the line of 62
        StepBatch second = d.launch();
        assertEquals(Phase.DECODE, second.phase(), "no decision between the batches of a round");
        d.complete(first);
        StepBatch refill = d.launch();
        assertEquals(Phase.PREFILL, refill.phase(), "a round is done: the waiting request is admitted");
        assertEquals(List.of(6L), ids(refill));
        assertEquals(3, d.policy().stats().phaseSwitches(), "prefill → decode → prefill");
    }

    @Test
    void theDecodeShareRoundRobinsItsRemainderOverTheBatchesOfARound() {
        PolicyDriver d = decoding(9);
        // B = 9 over P = 2: share 4, the remainder goes to decode count 0 (5), then 1 (4), then 0 again.
        StepBatch first = d.launch();
        assertEquals(5, first.seqs().size());
        d.complete(first);
        StepBatch second = d.launch();
        assertEquals(4, second.seqs().size());
        d.complete(second);
        assertEquals(5, d.launch().seqs().size());
    }

    @Test
    void theRoundRestartsWhenAPrefillPhaseEndsEvenIfDecodeRanDuringIt() {
        PolicyDriver d = decoding(6);
        StepBatch first = d.launch();
        StepBatch second = d.launch();
        Request longPrompt = add(d, 192, 16); // two 96-token chunks
        d.complete(first);
        StepBatch chunk1 = d.launch(); // decode count 2: the refill starts
        assertEquals(List.of(longPrompt.id() + ":0+96"), PolicyDriver.slices(chunk1));
        StepBatch duringPrefill = d.launch(); // the next chunk needs the first one's KV: decode meanwhile
        assertEquals(Phase.DECODE, duringPrefill.phase());
        d.complete(chunk1);
        StepBatch chunk2 = d.launch();
        assertEquals(List.of(longPrompt.id() + ":96+96s"), PolicyDriver.slices(chunk2));
        d.complete(second);
        d.complete(duringPrefill);
        StepBatch afterPhase = d.launch(); // the phase ends: decode count 0 → 1, all 6 ready taken
        assertEquals(6, afterPhase.seqs().size());
        d.complete(chunk2);
        add(d, 16, 16);
        // Decode count 1, the middle of a round (had the decode batch launched during the phase
        // counted, this would be count 2 and a refill).
        assertEquals(Phase.DECODE, d.launch().phase());
    }

    @Test
    void thePlanAdmitsARequestWhosePeakReachesTheMemoryLineExactly() {
        // Watermark 0.25 of 8 blocks: line 6. A 16-token prompt predicted to 16 more weighs
        // ceil(32 / 16) = 2 blocks at its peak: three make 6 (admitted), a fourth 8.
        PolicyDriver d = driver(8, FLAT, new AdaptiveOptions(-1, 64, 0.25, false));
        for (int i = 0; i < 4; i++) {
            add(d, 16, 16);
        }
        assertEquals(List.of(0L, 1L, 2L), ids(d.launch()));
        assertEquals(1, d.policy().stats().waiting());
    }

    @Test
    void thePlanCountsTheRequestsOfBatchesInFlightAndThoseReady() {
        // Memory line 0.25 × 64 = 16 blocks. Requests 0–3 (predicted to 16 tokens) weigh 2 blocks
        // each up to checkpoint 12: 8 blocks. A 128-token prompt predicted to 16 weighs
        // ceil(129 / 16) = 9 from checkpoint 1: 17 > 16 with all four, 13 with either pair alone.
        PolicyDriver d = driver(64, FLAT, memoryOnly(0.25, 32));
        twoReadyTwoRunning(d, 16, 16);
        add(d, 128, 16);
        StepBatch next = d.launch();
        assertEquals(Phase.DECODE, next.phase());
        assertEquals(List.of(1L, 0L), ids(next));
    }

    @Test
    void memoryRunningOutMidPhaseReturnsTheUnstartedRequestsToTheFrontOfTheQueueInOrder() {
        // A memory line of all 8 blocks plans eight one-block prompts (predicted to 0 more), but
        // the watermark of 0.25 keeps 2 blocks free at allocation: after six the seventh must wait.
        PolicyDriver d = driver(8, FLAT, new AdaptiveOptions(1.0, 16, 0.25, false));
        for (int i = 0; i < 10; i++) {
            Request r = d.add(16, 1); // finishes with its prefill
            r.setPredictedOutputLength(0);
        }
        List<StepBatch> prefills = new ArrayList<>();
        for (long id = 0; id < 6; id++) {
            StepBatch b = d.launch();
            assertEquals(List.of(id), ids(b));
            prefills.add(b);
        }
        assertEquals(List.of(), d.tryLaunch().map(PolicyDriver::ids).orElse(List.of()));
        assertEquals(4, d.policy().stats().waiting(), "6 and 7 back before 8 and 9");
        assertEquals("decode", d.policy().stats().phase());
        prefills.forEach(d::complete);
        for (long id = 6; id < 10; id++) {
            assertEquals(List.of(id), ids(d.launch()));
        }
    }

    @Test
    void thePrefillChunkMatchesTheDecodeMicroBatchesOfThePipelineAfterTheRefill() {
        // Forty one-token prompts on T[n] = 10 + n: after the refill B = 40, decode micro-batches
        // of 20 per stage (15 ms). Up to 20 tokens a prefill micro-batch adds no boundary bubble
        // and its excess over the best rate, 40 (10/n + 1 − 2058/2048) / 2, falls with n; beyond,
        // each token adds 1.5 (P − 1) / P = 0.75 ms of bubble but saves less (200/20 − 200/21 = 0.48).
        PolicyDriver d = driver(64, LINEAR, AdaptiveOptions.derived());
        for (int i = 0; i < 40; i++) {
            d.add(1, 10);
        }
        assertEquals(20, d.launch().seqs().size());
        assertEquals(20, d.launch().seqs().size());
    }

    /*
     * The lookahead on the flat profile: rounds last 40 ms and decode throughput is linear in B,
     * so decoding k/2 short of B + k loses k / (2 (B + k)); a phase of t prompt tokens runs as one
     * t-token micro-batch (no boundary bubble, every item 20 ms per stage) and costs
     * t (40/t − 40/2048) / 2 = 20 (1 − t/2048) ms over the best rate, once per cycle of
     * k / (f / 40) ms, f = Σ 1/remaining over the requests in flight. Loss rate:
     *     loss(k) = (1 − t/2048) f / (2k) + k / (2 (B + k)),  t = k × mean prompt;
     * refill now iff loss(k) ≤ loss(min(waiting, k + f)).
     */

    /**
     * The decision at decode count 2 of {@link #twoReadyTwoRunning} with its requests predicted
     * to 2 more than {@code toGo} when ready and 1 more when running (both then have {@code toGo}
     * to go), once {@code waiting} prompts of {@code promptLen} tokens predicted to
     * {@code predicted} arrived; lookahead on, 64 blocks under the given memory line.
     */
    private static PolicyDriver lookaheadCase(double memoryLine, int toGo, int waiting, int promptLen, int predicted) {
        PolicyDriver d = driver(64, FLAT, new AdaptiveOptions(memoryLine, 32, -1, true));
        twoReadyTwoRunning(d, toGo + 2, toGo + 1);
        for (int i = 0; i < waiting; i++) {
            add(d, promptLen, predicted);
        }
        return d;
    }

    @Test
    void theLookaheadRefillsWhenFewRequestsFinishPerRound() {
        // B = 4 each with 32 to go: f = 4/32 = 1/8. Memory line 0.3125 × 64 = 20 blocks: the four
        // weigh 4 blocks each at checkpoint 32 (16), a 16-token prompt predicted to 32 weighs 3
        // there: one of the three waiting fits (19), two do not (22). k = 1, t = 16:
        // loss(1) = (2032/2048)/16 + 1/10 = 0.1620; loss(1.125) = (2030/2048)(1/8)/2.25 + 1.125/10.25 = 0.1648.
        PolicyDriver d = lookaheadCase(0.3125, 32, 3, 16, 32);
        StepBatch next = d.launch();
        assertEquals(Phase.PREFILL, next.phase());
        assertEquals(List.of(4L), ids(next));
    }

    @Test
    void theLookaheadWaitsWhileManyRequestsAreAboutToFinish() {
        // B = 4 each with 2 to go: f = 4/2 = 2. Memory line 0.375 × 64 = 24 blocks: the four weigh
        // 8 up to checkpoint 2, a 64-token prompt predicted to 16 weighs ceil(65/16) = 5 from
        // checkpoint 1: three of the five waiting fit (23), four do not (28). k = 3, mean prompt 64:
        // loss(3) = (1 − 192/2048) 2/6 + 3/14 = 0.5164 > loss(5) = (1 − 320/2048) 2/10 + 5/18 = 0.4465.
        PolicyDriver d = lookaheadCase(0.375, 2, 5, 64, 16);
        StepBatch next = d.launch();
        assertEquals(Phase.DECODE, next.phase());
        assertEquals(5, d.policy().stats().waiting());
    }
}
