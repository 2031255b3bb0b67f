package org.tdpipe.core.sched.adaptive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tdpipe.core.profile.Profile;

/**
 * The phase costs on a four-row profile T = 5, 8, 9, 8 ms (per token 5, 4, 3, 2: the best rate is
 * the last row's) and P = 2.
 */
class PhaseCostModelTest {
    static final Profile FOUR_ROWS = new Profile("T = 5, 8, 9, 8", new double[] {5, 8, 9, 8});
    private final PhaseCostModel cost = new PhaseCostModel(FOUR_ROWS, 2);

    @Test
    void aDecodeRoundRunsPMicroBatchesOfCeilBOverP() {
        assertEquals(3, cost.perStageBatch(5), "ceil(5 / 2)");
        assertEquals(9, cost.roundMs(5), "T[3]");
        assertEquals(4 / 8.0, cost.decodeRate(4), 1e-12, "4 tokens per T[2]");
        assertEquals(0, cost.decodeRate(0));
    }

    @Test
    void prefillExcessIsMeasuredAgainstTheBestPerTokenRateOfTheWholeProfile() {
        // 8 tokens in 2-token micro-batches: 8 × (8/2 − 8/4) / 2 = 8 ms per stage; at the best size none.
        assertEquals(8, cost.prefillExcessMs(8, 2), 1e-12);
        assertEquals(0, cost.prefillExcessMs(8, 4), 1e-12);
    }

    @Test
    void theSwitchBubbleIsOneAndAHalfStageMismatchesPerExtraStage() {
        // 1.5 × (P − 1) × (T[4]/2 − T[1]/2) = 1.5 × 1 × (4 − 2.5)
        assertEquals(2.25, cost.switchBubbleMs(4, 1), 1e-12);
        assertEquals(0, cost.switchBubbleMs(1, 4), "a prefill shorter than the decode items costs no bubble");
    }

    @Test
    void theBestChunkMayBeTheLargestSizeAllowed() {
        // Decode items of 3 per stage take T[3]/2 = 4.5 ms, no shorter than any prefill item: no
        // bubble, so only the excess counts, and it is 0 only at 4 tokens.
        assertEquals(4, cost.bestChunk(8, 3));
    }

    @Test
    void amongEquallyCheapChunksTheSmallestIsTaken() {
        // T[n] = 3n: every size runs at the best rate, and no prefill item outlasts the decode
        // items of 4 per stage: every chunk costs 0.
        PhaseCostModel flatRate = new PhaseCostModel(new Profile("T[n] = 3n", new double[] {3, 6, 9, 12}), 2);
        assertEquals(1, flatRate.bestChunk(8, 4));
    }
}
