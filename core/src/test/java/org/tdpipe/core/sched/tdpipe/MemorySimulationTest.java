package org.tdpipe.core.sched.tdpipe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;

class MemorySimulationTest {
    private static final int BLOCK = 16;

    private static Request running(int prompt, int predicted, int generated) {
        Request r = new Request(1, "r", new int[prompt], SamplingParams.greedy(4096), 0);
        r.setPredictedOutputLength(predicted);
        r.markRunning(0);
        for (int i = 0; i < generated; i++) {
            r.appendToken(1, i);
        }
        return r;
    }

    @Test
    void aRequestWithinItsPredictionHasThePredictedRemainder() {
        assertEquals(70, MemorySimulation.remainingKeepingOutlived(running(10, 100, 30), BLOCK));
    }

    @Test
    void anOutlivedRequestIsExpectedToLiveOnForHalfItsOutputAtLeastTheMinimum() {
        assertEquals(60, MemorySimulation.remainingKeepingOutlived(running(10, 100, 120), BLOCK));
        assertEquals(BLOCK, MemorySimulation.remainingKeepingOutlived(running(10, 4, 10), BLOCK));
    }

    @Test
    void keepingOutlivedRequestsCountsThemWhereTheAuthorsCheckpointsDropThem() {
        Request outlived = running(32, 8, 40);
        MemorySimulation authors = new MemorySimulation(BLOCK);
        authors.addInFlight(outlived);
        MemorySimulation keeping = new MemorySimulation(BLOCK, MemorySimulation.FINE_CHECKPOINTS);
        keeping.addInFlightKeepingOutlived(outlived);
        assertEquals(0, authors.peak());
        // 72 tokens now, expected to live on for 20 more: 92 tokens at the 16-step checkpoint = 6 blocks
        assertEquals(6, keeping.peak());
    }

    /** What {@code peakWith} predicts is what {@code add} then holds. */
    private static void assertAdds(long blocks, int length, int remaining) {
        MemorySimulation sim = new MemorySimulation(BLOCK);
        assertEquals(blocks, sim.peakWith(length, remaining));
        sim.add(length, remaining);
        assertEquals(blocks, sim.peak());
    }

    @Test
    void aCheckpointEqualToTheRemainderIsCounted() {
        // 121 tokens with 8 to go: at m = 5 ceil(126 / 16) = 8 blocks, at m = 8 ceil(129 / 16) = 9.
        assertAdds(9, 121, 8);
    }

    @Test
    void aLengthFillingItsBlocksExactlyNeedsNoExtraBlock() {
        // 123 tokens at m = 5: 128 = 8 × 16.
        assertAdds(8, 123, 5);
    }
}
