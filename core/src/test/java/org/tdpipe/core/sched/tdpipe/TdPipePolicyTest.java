package org.tdpipe.core.sched.tdpipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tdpipe.core.testing.PolicyDriver.ids;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.testing.PolicyDriver;

/**
 * The TD-Pipe policy's phase decisions on hand-built runs (block size 16, a prefill micro-batch
 * closes at 192 prompt tokens, KV forecasts on the authors' checkpoints 5, 8, …, 2048).
 */
class TdPipePolicyTest {
    private static final TdPipeOptions MEMORY_ONLY = TdPipeOptions.faithful().withSwitchRule(TdPipeOptions.SwitchRule.MEMORY_ONLY);

    private static PolicyDriver driver(int numStages, int numBlocks, TdPipeOptions options) {
        return new PolicyDriver(new TdPipePolicy("td-pipe", PolicyDriver.context(numStages, numBlocks, 16, 4096), options));
    }

    private static Request add(PolicyDriver driver, int promptLen, int maxTokens, int predicted) {
        Request r = driver.add(promptLen, maxTokens);
        r.setPredictedOutputLength(predicted);
        return r;
    }

    /** {@code count} 16-token requests prefilled in one micro-batch, now ready to decode. */
    private static void prefillTogether(PolicyDriver driver, int count, int predicted) {
        for (int i = 0; i < count; i++) {
            add(driver, 16, 50, predicted);
        }
        StepBatch prefill = driver.launch();
        driver.tryLaunch(); // waiting is empty: the phase turns to decode
        driver.complete(prefill);
    }

    private static void prefillTogether(PolicyDriver driver, int count) {
        prefillTogether(driver, count, 50);
    }

    @Test
    void thePolicyIsNamedAsConfigured() {
        assertEquals("td-pipe-ablation", new TdPipePolicy("td-pipe-ablation", PolicyDriver.context(2, 10, 16, 4096),
                TdPipeOptions.faithful()).name());
    }

    @Test
    void decodeReconsidersPrefillEveryPDecodeBatchesWithTheRequestsInFlightNow() {
        PolicyDriver d = driver(2, 130, MEMORY_ONLY);
        // Request 0 finishes after one decode step but is predicted to 4000 tokens: at prefill it
        // weighs ceil((48 + 2048) / 16) = 131 blocks in the forecast. Requests 1–3 are predicted
        // to 6 tokens: once 3 are generated they fall under the first checkpoint and weigh 0.
        add(d, 48, 2, 4000);
        for (int i = 1; i <= 3; i++) {
            add(d, 16, 50, 6);
        }
        StepBatch prefill = d.launch();
        assertEquals(List.of(0L, 1L, 2L, 3L), ids(prefill));
        assertEquals(List.of(), d.tryLaunch().map(PolicyDriver::ids).orElse(List.of()), "decode waits for the prefill");
        d.complete(prefill);
        StepBatch first = d.launch(); // decode count 0, nothing waiting: decode
        assertEquals(Phase.DECODE, first.phase());
        for (int i = 4; i <= 14; i++) {
            add(d, 192, 50, 10); // ceil((192 + 8) / 16) = 13 blocks each at checkpoints 5 and 8
        }
        d.complete(first); // request 0 finishes
        StepBatch second = d.launch(); // decode count 1: no decision between the P batches of a round
        assertEquals(List.of(1L, 2L, 3L), ids(second));
        d.complete(second);

        // Decode count 2: the forecast rebuilt from requests 1–3 is 0 blocks (a stale one would
        // still hold request 0's 131 ≥ 130 and admit nothing). Admission up to 130 blocks admits
        // 10 of the 11 (13 × 10 = 130): switch. The phase then runs on the rebuilt forecast,
        // 13 blocks per 192-token micro-batch, until the predicted peak reaches 0.9 × 130 = 117
        // = 13 × 9: nine prefill micro-batches, then decode again.
        for (long id = 4; id <= 12; id++) {
            StepBatch b = d.launch();
            assertEquals(Phase.PREFILL, b.phase(), "micro-batch of request " + id);
            assertEquals(List.of(id), ids(b));
        }
        assertEquals(List.of(1L, 2L, 3L), ids(d.launch()));
        assertEquals(3, d.policy().stats().phaseSwitches(), "prefill → decode → prefill → decode");
    }

    @Test
    void theDecodeShareRoundRobinsItsRemainderOverTheBatchesOfARound() {
        PolicyDriver d = driver(2, 100, TdPipeOptions.faithful());
        prefillTogether(d, 9);
        // B = 9 over P = 2: share 4, the remainder goes to decode count 0 (5), not to count 1 (4);
        // the 4 and 5 left are more than P, so nothing is absorbed.
        StepBatch first = d.launch();
        assertEquals(5, first.seqs().size());
        d.complete(first);
        assertEquals(4, d.launch().seqs().size());
    }

    @Test
    void anIdlePipelineWithRequestsWaitingPrefillsThemOnAFreshForecast() {
        PolicyDriver d = driver(2, 100, MEMORY_ONLY);
        // Three 64-token prompts fill a prefill micro-batch (3 × 64 = 192). Requests 0–2 are
        // predicted to 4000 tokens (ceil((64 + 2048) / 16) = 132 blocks each in the forecast) but
        // finish after one decode step; requests 3–8 are predicted to 10: ceil(72 / 16) = 5 each.
        for (int i = 0; i < 3; i++) {
            add(d, 64, 2, 4000);
        }
        for (int i = 3; i < 9; i++) {
            add(d, 64, 2, 10);
        }
        StepBatch prefill = d.launch();
        d.tryLaunch(); // forecast over 90 blocks: the phase ends
        d.complete(prefill);
        StepBatch decode = d.launch(); // the forecast of 3 × 133 blocks admits nothing: decode
        assertEquals(List.of(0L, 1L, 2L), ids(decode));
        d.complete(decode); // all three finish: decode count 1, no decision due, nothing in flight

        StepBatch restart = d.launch();
        assertEquals(Phase.PREFILL, restart.phase());
        assertEquals(List.of(3L, 4L, 5L), ids(restart));
        assertEquals("prefill", d.policy().stats().phase());
        // The forecast holds only the new requests (15 blocks < 90): the phase goes on.
        assertEquals(List.of(6L, 7L, 8L), ids(d.launch()));
    }

    @Test
    void whenMemoryStopsPrefillTheScheduleTurnsToDecode() {
        PolicyDriver d = driver(2, 10, TdPipeOptions.faithful().withGreedyPrefill(false));
        for (int i = 0; i < 4; i++) {
            add(d, 64, 20, 20); // 4 blocks each: two fit in 10
        }
        assertEquals(List.of(0L, 1L), ids(d.launch()));
        assertEquals(List.of(), d.tryLaunch().map(PolicyDriver::ids).orElse(List.of()));
        assertEquals("decode", d.policy().stats().phase());
    }

    @Test
    void withoutWorkStealingADecodeBatchIsTheGroupAssignedAtPrefill() {
        // Four requests prefilled together join fixed groups 0, 1, 0, 1. With work stealing the
        // first decode batch would take all four (share 2, the 2 left = P absorbed).
        for (boolean stealing : new boolean[] {false, true}) {
            PolicyDriver d = driver(2, 100, TdPipeOptions.faithful().withWorkStealing(stealing));
            prefillTogether(d, 4);
            assertEquals(stealing ? List.of(0L, 1L, 2L, 3L) : List.of(0L, 2L), ids(d.launch()));
        }
    }

    @Test
    void unfinishedCountsWaitingAndInFlightRequests() {
        PolicyDriver d = driver(2, 100, TdPipeOptions.faithful());
        for (int i = 0; i < 4; i++) {
            add(d, 16, 50, 50);
        }
        StepBatch prefill = d.launch();
        add(d, 16, 50, 50);
        assertEquals(5, d.policy().numUnfinished(), "4 running, 1 waiting");
        d.complete(prefill);
        assertEquals(5, d.policy().numUnfinished(), "4 ready, 1 waiting");
    }

    @Test
    void theForecastCountsTheRequestsOfBatchesStillInFlight() {
        PolicyDriver d = driver(2, 500, MEMORY_ONLY);
        prefillTogether(d, 6, 4000);
        StepBatch a = d.launch(); // B = 6, share 3, 3 left > P
        StepBatch b = d.launch();
        assertEquals(List.of(3L, 4L, 5L), ids(b));
        add(d, 16, 50, 10);
        d.complete(a);
        // Decode count 2 with batch b still running: ceil((17 + 2048) / 16) = 130 blocks for each
        // of requests 3–5 and ceil((18 + 2048) / 16) = 130 for each of 0–2: 780 ≥ 500, nothing
        // is admitted (requests 0–2 alone would be 390).
        assertEquals(List.of(0L, 1L, 2L), ids(d.launch()));
    }

    @Test
    void cancellingARunningRequestLeavesItsFixedGroupAlone() {
        // The engine removes a running request only once its batch is back; until then it keeps
        // its group.
        PolicyDriver d = driver(2, 100, TdPipeOptions.faithful().withWorkStealing(false));
        prefillTogether(d, 4);
        StepBatch groupZero = d.launch();
        assertEquals(List.of(0L, 2L), ids(groupZero));
        d.policy().remove(groupZero.seqs().get(0).request());
        d.complete(groupZero);
        assertEquals(List.of(1L, 3L), ids(d.launch()));
        assertEquals(List.of(0L, 2L), ids(d.launch()));
    }
}
