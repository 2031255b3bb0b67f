package org.tdpipe.core.sched.adaptive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The lookahead's loss rate by hand, on {@link PhaseCostModelTest}'s profile T = 5, 8, 9, 8 and P = 2. */
class SwitchLookaheadTest {
    private final SwitchLookahead lookahead = new SwitchLookahead(new PhaseCostModel(PhaseCostModelTest.FOUR_ROWS, 2));

    @Test
    void theLossRateIsTheOverheadSpreadOverTheCyclePlusTheStarvation() {
        // B = 2, k = 2, one-token prompts, one finish per round. B + k = 4: a round is T[2] = 8 ms,
        // so 1/8 finish per ms and a cycle of 2 / (1/8) = 16 ms. Prefilling 2 tokens: chunk 1 costs
        // 2 × (5 − 2) / 2 = 3 ms, chunk 2 costs 2 × (4 − 2) / 2 = 2 ms (no bubble: T[2]/2 is the
        // decode items' time) — 2 ms. Starvation 1 − rate(3) / rate(4) = 1 − (3/8) / (4/8) = 0.25.
        assertEquals(2 / 16.0 + 0.25, lookahead.lossRate(2, 2, 1, 1), 1e-12);
    }

    @Test
    void nothingAdmissibleNeverSwitches() {
        assertFalse(lookahead.evaluate(4, 0, 10, 1, 1).switchToPrefill());
        assertFalse(lookahead.evaluate(0, 0, 10, 1, 1).switchToPrefill(), "not even into an empty pipeline");
    }

    @Test
    void anEmptyPipelineAlwaysRefills() {
        SwitchLookahead.Decision d = lookahead.evaluate(0, 3, 10, 100, 0);
        assertTrue(d.switchToPrefill());
        assertEquals(3, d.admissible());
    }

    @Test
    void nextRoundCanAdmitAsManyMoreAsFinishButNoMoreThanWait() {
        assertEquals(3.5, lookahead.evaluate(2, 2, 10, 1, 1.5).admissibleNextRound(), 1e-12);
        assertEquals(2, lookahead.evaluate(2, 2, 2, 1, 1.5).admissibleNextRound(), 1e-12);
    }
}
