package org.tdpipe.sim.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.profile.HandoffTiming;
import org.tdpipe.core.profile.StageProfile;
import org.tdpipe.core.profile.StageTiming;

class StageProfileCostTest {
    /** Stage s: 1 ms + (s + 1) × 0.5 ms per token, plus 0.2 ms per sampled row on the last stage and 0.001 ms per attention pair. */
    private static double truth(int stage, int tokens, int sampled, long pairs) {
        return 1 + (stage + 1) * 0.5 * tokens + (stage == 1 ? 0.2 * sampled : 0) + 0.001 * pairs;
    }

    private static StageProfile measured() {
        List<StageTiming> timings = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            for (int n : new int[] {1, 2, 4, 8, 16, 32, 64}) {
                long pairs = (long) n * (n + 1) / 2;
                timings.add(new StageTiming(s, Phase.PREFILL, n, 1, pairs, truth(s, n, 1, pairs)));
            }
            for (int c : new int[] {16, 128}) {
                for (int b : new int[] {1, 2, 4, 8, 16}) {
                    timings.add(new StageTiming(s, Phase.DECODE, b, b, (long) b * c, truth(s, b, b, (long) b * c)));
                }
            }
        }
        return new StageProfile(Map.of(), 2, timings);
    }

    @Test
    void theFitRecoversTheCostOfSampledRowsAndAttentionPairs() {
        StageProfileCost cost = new StageProfileCost(measured());
        assertEquals(0.0, cost.stage(0).rowMs(), 1e-9);
        assertEquals(0.2, cost.stage(1).rowMs(), 1e-9);
        assertEquals(0.001, cost.stage(0).pairMs(), 1e-12);
        assertEquals(0.001, cost.stage(1).pairMs(), 1e-12);
        assertEquals(0.0, cost.stage(1).decodeRmsError(), 1e-9);
    }

    @Test
    void aDecodeBatchBetweenMeasuredSizesIsPricedByTheModel() {
        StageProfileCost cost = new StageProfileCost(measured());
        // 12 sequences at context 50: between measured sizes (linear in tokens, so exact) and contexts
        BatchLoad decode = new BatchLoad(12, 12, 12 * 50, 12 * 50);
        assertEquals(Math.round(truth(1, 12, 12, 600) * 1e6), cost.stageNanos(decode, 1, 2));
        assertEquals(Math.round(truth(0, 12, 12, 600) * 1e6), cost.stageNanos(decode, 0, 2));
        // past the largest prefill, time grows in proportion to the tokens (attention beyond the reference at the decode rate)
        BatchLoad big = BatchLoad.prefill(128);
        assertEquals(truth(0, 64, 1, 64 * 65 / 2) * 2 + 0.001 * (128L * 129 / 2 - 2L * 64 * 65 / 2),
                cost.stageNanos(big, 0, 2) / 1e6, 1e-6);
    }

    @Test
    void promptsShorterThanTheMeasuredOnesAreNotCreditedAtTheDecodeRate() {
        StageProfileCost cost = new StageProfileCost(measured());
        // 64 tokens in 8 prompts of 8: fewer pairs than the measured 64-token prompt, more sampled rows
        BatchLoad shortPrompts = new BatchLoad(64, 8, 8L * 36, 64);
        assertEquals(truth(1, 64, 1, 64 * 65 / 2) + 0.2 * 7, cost.stageNanos(shortPrompts, 1, 2) / 1e6, 1e-6);
    }

    @Test
    void aStageAloneRunsAtItsAloneTimesAndBetweenTheEndsInProportionToTheOthersWorking() {
        List<StageTiming> timings = new ArrayList<>();
        for (StageTiming t : measured().timings()) {
            timings.add(new StageTiming(t.stage(), t.phase(), t.tokens(), t.sampled(), t.attentionPairs(), t.ms(), t.ms() / 2));
        }
        StageProfileCost cost = new StageProfileCost(new StageProfile(Map.of(), 2, timings));
        BatchLoad decode = new BatchLoad(12, 12, 12 * 50, 12 * 50);
        double busy = truth(1, 12, 12, 600) * 1e6;
        assertEquals(Math.round(busy), cost.stageNanos(decode, 1, 2));
        assertEquals(Math.round(busy), cost.stageNanos(decode, 1, 1.0));
        assertEquals(busy / 2, cost.stageNanos(decode, 1, 0.0), 1);
        assertEquals(busy * 3 / 4, cost.stageNanos(decode, 1, 0.5), 1);
        assertEquals(0.1, cost.alone(1).rowMs(), 1e-9);
        var e = assertThrows(IllegalArgumentException.class, () -> cost.stageNanos(decode, 1, 1.5));
        assertEquals("share of the other stages working must be in [0, 1], got 1.5", e.getMessage());
    }

    @Test
    void handoffsAreTheLaunchTheHopsBetweenStagesAndTheReturn() {
        StageProfile p = measured();
        StageProfileCost cost = new StageProfileCost(new StageProfile(Map.of(), 2, p.timings(), List.of(new HandoffTiming(0, 1, 0.125),
                new HandoffTiming(0, 64, 0.25), new HandoffTiming(0, 8, 0.0625), new HandoffTiming(1, 1, 0.5), new HandoffTiming(1, 64, 1.5),
                new HandoffTiming(2, 1, 0.25), new HandoffTiming(2, 64, 0.75), new HandoffTiming(2, 8, 0.5))));
        assertEquals(125_000, cost.launchNanos(), "the median of the launches");
        assertEquals(0.5 + 1.0 / 63 * 31, cost.handoff().nanos(32) / 1e6, 1e-6, "stage 0 to 1, linear between 1 and 64 tokens");
        assertEquals(500_000, cost.returnNanos(), "the median of the last stage's hand-offs to the controller");
        StageProfileCost unmeasured = new StageProfileCost(p);
        assertEquals(List.of(0L, 0L, 0L), List.of(unmeasured.launchNanos(), unmeasured.handoff().nanos(64), unmeasured.returnNanos()));
    }

    @Test
    void thePipelineDepthMustMatchTheProfile() {
        StageProfileCost cost = new StageProfileCost(measured());
        var e = assertThrows(IllegalArgumentException.class, () -> cost.stageNanos(BatchLoad.prefill(4), 0, 3));
        assertEquals("the stage profile describes 2 stages, not 3", e.getMessage());
    }
}
