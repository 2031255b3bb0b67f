package org.tdpipe.core.sched.tdpipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdpipe.core.testing.TestRequests.waiting;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.core.request.Request;

/**
 * The spatial–temporal intensity comparison (DESIGN §2.5) on hand-computed cases. The profile is
 * {@code T[n] = 10 + n/2} ms, so {@code T[256] = 138}, {@code T[10] = 15}, {@code T[100] = 60}.
 */
class IntensitySwitchRuleTest {
    private static final Profile LINEAR = new Profile("T[n] = 10 + n/2",
            IntStream.rangeClosed(1, 512).mapToDouble(n -> 10 + n / 2.0).toArray());
    private static final int BLOCK = 16;

    private static TdPipeOptions options(int peakBatch, int referenceBatch, double admitFraction) {
        return new TdPipeOptions(true, true, TdPipeOptions.SwitchRule.INTENSITY, 192, peakBatch, referenceBatch,
                0.9, admitFraction, 0.02, 2048, TdPipeOptions.MemoryPlan.PREDICTED_PEAK);
    }

    private static IntensitySwitchRule faithful(int numStages) {
        return new IntensitySwitchRule(LINEAR, numStages, TdPipeOptions.faithful());
    }

    @Test
    void decodeIntensityIsTheThroughputOfTheBatchRelativeToTheReferenceBatch() {
        // I(10) = (10 / T[10]) / (256 / T[256]) = (10 / 15) / (256 / 138)
        assertEquals((10 / 15.0) / (256 / 138.0), faithful(2).decodeIntensity(10), 1e-12);
    }

    @Test
    void decodeIntensityIsZeroForAnEmptyBatchAndOneFromThePeakBatchOn() {
        IntensitySwitchRule rule = faithful(2);
        assertEquals(0, rule.decodeIntensity(0));
        assertEquals(1, rule.decodeIntensity(192), "at the peak batch decode counts as saturated");
        assertEquals(1, rule.decodeIntensity(300));
        assertTrue(rule.decodeIntensity(191) < 1);
    }

    @Test
    void admittingWaitingRequestsOpensAPrefillWindowWorthMoreThanThinDecode() {
        // P = 3, 30 in flight: per-stage decode batch 10, I(10) = 0.359375.
        // Prefill times floor(T[n]): 60, 110, 40 ms; summed per stage (60 + 110 + 40) / 3 = 70, plus
        // the longest one's fill of the other stages (110 / 3) × 2 → 430 / 3 ms.
        // Back in decode the batch is (30 + 3) / 3 = 11 per stage: floor(T[11]) = 15 ms, so the
        // switch-back bubble is (110 / 3 − 15) × 2 = 130 / 3 ms; intensity (430 − 130) / 430 = 30 / 43.
        List<Request> queue = List.of(waiting(1, 100, 10), waiting(2, 200, 10), waiting(3, 60, 10));
        IntensitySwitchRule.Decision d = faithful(3).evaluate(30, queue, new MemorySimulation(BLOCK), 1000);
        assertEquals(3, d.admissible());
        assertEquals((10 / 15.0) / (256 / 138.0), d.decodeIntensity(), 1e-12);
        assertEquals(30.0 / 43, d.prefillIntensity(), 1e-12);
        assertTrue(d.switchToPrefill());
    }

    @Test
    void aPrefillWindowWithoutBubbleOnlyTiesSaturatedDecodeAndDecodeStays() {
        // peak batch 8: 24 in flight on P = 3 is 8 per stage, I = 1. One 64-token prompt:
        // floor(T[64]) = 42, window 42 / 3 + (42 / 3) × 2 = 42; back in decode (24 + 1) / 3 = 8 per
        // stage, floor(T[8]) = 14 = 42 / 3: no bubble, intensity 1 — a tie keeps decoding.
        IntensitySwitchRule rule = new IntensitySwitchRule(LINEAR, 3, options(8, 16, 1.0));
        IntensitySwitchRule.Decision d = rule.evaluate(24, List.of(waiting(1, 64, 10)), new MemorySimulation(BLOCK), 1000);
        assertEquals(1, d.admissible(), "a batch at the peak is still compared");
        assertEquals(1, d.decodeIntensity());
        assertEquals(1, d.prefillIntensity(), 1e-12);
        assertFalse(d.switchToPrefill());
    }

    @Test
    void decodeAboveThePeakBatchStaysWithoutAdmittingAnything() {
        IntensitySwitchRule rule = new IntensitySwitchRule(LINEAR, 3, options(8, 16, 1.0));
        IntensitySwitchRule.Decision d = rule.evaluate(27, List.of(waiting(1, 64, 10)), new MemorySimulation(BLOCK), 1000);
        assertFalse(d.switchToPrefill());
        assertEquals(0, d.admissible(), "27 / 3 = 9 per stage is over the peak of 8");
    }

    @Test
    void admissionStopsOnceThePredictedPeakReachesTheAdmitLine() {
        // Each 100-token request predicted to 10 tokens holds ceil(108 / 16) = 7 blocks at its last
        // checkpoint. Line 0.5 × 28 = 14 blocks: the first two are admitted (7 < 14, then 14), the
        // third sees a peak of 14 ≥ 14.
        IntensitySwitchRule rule = new IntensitySwitchRule(LINEAR, 2, options(192, 256, 0.5));
        List<Request> queue = List.of(waiting(1, 100, 10), waiting(2, 100, 10), waiting(3, 100, 10));
        MemorySimulation usage = new MemorySimulation(BLOCK);
        IntensitySwitchRule.Decision d = rule.evaluate(2, queue, usage, 28);
        assertEquals(2, d.admissible());
        assertEquals(14, usage.peak(), "the admitted requests are added to the forecast");
    }

    @Test
    void nothingAdmissibleKeepsDecoding() {
        MemorySimulation full = new MemorySimulation(BLOCK);
        full.add(1000, 100);
        IntensitySwitchRule.Decision d = faithful(2).evaluate(2, List.of(waiting(1, 10, 10)), full, 10);
        assertFalse(d.switchToPrefill());
        assertEquals(0, d.admissible());
    }

    @Test
    void theMemoryOnlyRuleSwitchesAsSoonAsAnythingIsAdmissible() {
        // The tie of aPrefillWindowWithoutBubbleOnlyTiesSaturatedDecodeAndDecodeStays, which the
        // intensity rule answers with "stay".
        TdPipeOptions memoryOnly = options(8, 16, 1.0).withSwitchRule(TdPipeOptions.SwitchRule.MEMORY_ONLY);
        IntensitySwitchRule rule = new IntensitySwitchRule(LINEAR, 3, memoryOnly);
        IntensitySwitchRule.Decision d = rule.evaluate(24, List.of(waiting(1, 64, 10)), new MemorySimulation(BLOCK), 1000);
        assertTrue(d.switchToPrefill());
        assertEquals(1, d.admissible());
    }
}
