package org.tdpipe.core.sched.adaptive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.predict.OraclePredictor;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.core.sched.PolicyContext;
import org.tdpipe.core.testing.SharedData;

/** The adaptive policy's decisions on hand-built scenarios. */
class AdaptivePolicyTest {
    /** Flat up to 128 tokens (memory-bound), then linear (compute-bound): the L20 shape, simplified. */
    static Profile stepProfile() {
        double[] ms = new double[2048];
        for (int n = 1; n <= ms.length; n++) {
            ms[n - 1] = Math.max(40, 0.25 * n + 10);
        }
        return new Profile("step", ms);
    }

    /** A fixed cost per forward plus a per-token cost: small micro-batches are inefficient. */
    static Profile affineProfile() {
        double[] ms = new double[2048];
        for (int n = 1; n <= ms.length; n++) {
            ms[n - 1] = 40 + 0.25 * n;
        }
        return new Profile("affine", ms);
    }

    @Test
    void lookaheadRefusesARefillThatCannotPayForItsBubbles() {
        SwitchLookahead lookahead = new SwitchLookahead(new PhaseCostModel(affineProfile(), 4));
        // 400 requests decoding, one 400-token prompt admissible, ~1 request finishing per round:
        // a one-request prefill phase must either run small, inefficient micro-batches or pay the
        // boundary bubbles of large ones, for one request — waiting for more is cheaper.
        SwitchLookahead.Decision d = lookahead.evaluate(400, 1, 1000, 400, 1.0);
        assertFalse(d.switchToPrefill(), d.toString());
        assertTrue(d.lossNextRound() < d.lossNow());
    }

    @Test
    void lookaheadTakesARefillThatPaysOff() {
        SwitchLookahead lookahead = new SwitchLookahead(new PhaseCostModel(stepProfile(), 4));
        // 200 decoding, 200 admissible: decode runs at half its possible batch; refilling now wins.
        SwitchLookahead.Decision d = lookahead.evaluate(200, 200, 1000, 400, 1.0);
        assertTrue(d.switchToPrefill(), d.toString());
        // With nothing left to wait for (all waiting requests admissible), waiting cannot help.
        assertTrue(lookahead.evaluate(400, 3, 3, 400, 1.0).switchToPrefill());
        // An empty pipeline always refills.
        assertTrue(lookahead.evaluate(0, 1, 1000, 400, 0).switchToPrefill());
    }

    @Test
    void prefillChunkBalancesEfficiencyAgainstBoundaryBubbles() {
        PhaseCostModel cost = new PhaseCostModel(stepProfile(), 4);
        int small = cost.bestChunk(400, 32);
        int large = cost.bestChunk(400_000, 32);
        assertTrue(small < large, small + " vs " + large);
        assertTrue(large <= 2048);
        assertTrue(cost.switchBubbleMs(128, 128) == 0, "equal items: no boundary bubble");
    }

    @Test
    void onTheAuthorsProfileTheChunkSitsNearTheKnee() {
        PhaseCostModel cost = new PhaseCostModel(Profile.read(SharedData.require("profiles/L20-Llama-13B.csv")), 4);
        int chunk = cost.bestChunk(20 * 378, 100);
        assertTrue(chunk >= 192 && chunk <= 512, "chunk " + chunk);
    }

    @Test
    void decodeMicroBatchesAreBalancedInContextNotOnlyInCount() {
        org.tdpipe.core.kv.BlockManager blocks = new org.tdpipe.core.kv.BlockManager(10_000, 16, 0);
        java.util.TreeSet<Request> ready = new java.util.TreeSet<>(ContextBalancedBatcher.BY_CONTEXT);
        for (int i = 0; i < 40; i++) {
            // admitted in order: the oldest have the longest contexts (FCFS would batch them together)
            Request r = new Request(i, "r" + i, new int[1000 - 20 * i], SamplingParams.fixedLength(100), 0);
            blocks.ensureCapacity(r, r.numTokens());
            r.markRunning(0);
            r.markComputed(r.numTokens());
            r.appendToken(1, 0);
            r.markReady();
            ready.add(r);
        }
        ContextBalancedBatcher batcher = new ContextBalancedBatcher(4, blocks);
        List<Integer> sums = new ArrayList<>();
        for (int b = 0; b < 4; b++) {
            List<ScheduledSeq> batch = batcher.form(ready, 10 * b, b, 0, r -> { });
            assertEquals(10, batch.size());
            sums.add(batch.stream().mapToInt(ScheduledSeq::contextLength).sum());
        }
        int min = sums.stream().mapToInt(Integer::intValue).min().orElseThrow();
        int max = sums.stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertTrue(max - min < 0.05 * max, "context sums " + sums);
    }

    @Test
    void aPrefillPhaseAdmitsWhatThePlanAdmittedInCostSizedChunks() {
        // 200 blocks of 16; 40-token prompts predicted to generate 100 tokens: each needs
        // ceil(140/16) = 9 blocks at its peak, so the plan admits 21 of 30 under 199 blocks.
        AdaptiveTdPipePolicy policy = new AdaptiveTdPipePolicy("td-pipe-adaptive",
                new PolicyContext(4, 200, 16, 4096, stepProfile(), new OraclePredictor()), AdaptiveOptions.derived());
        for (int i = 0; i < 30; i++) {
            Request r = new Request(i, "r" + i, new int[40], SamplingParams.fixedLength(100), 0);
            r.setPredictedOutputLength(100);
            policy.add(r);
        }
        List<StepBatch> prefill = new ArrayList<>();
        for (var b = policy.schedule(0, r -> { }); b.isPresent(); b = policy.schedule(0, r -> { })) {
            assertEquals(Phase.PREFILL, b.get().phase());
            prefill.add(b.get());
        }
        int admitted = prefill.stream().mapToInt(b -> (int) b.seqs().stream().filter(ScheduledSeq::samples).count()).sum();
        assertEquals(21, admitted);
        assertEquals(9, policy.stats().waiting());
        assertTrue(prefill.size() > 1, "several micro-batches, not one per request");
    }
}
