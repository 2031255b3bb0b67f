package org.tdpipe.core.sched.tdpipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.predict.LengthDistribution;
import org.tdpipe.core.predict.LengthPredictor;
import org.tdpipe.core.predict.OraclePredictor;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;

class DistributionMemorySimulationTest {
    private static final int BLOCK = 16;

    /** Predicts the fixed distribution for every request and counts how often it is asked. */
    private static final class FixedDistribution implements LengthPredictor {
        final LengthDistribution distribution;
        int asked;

        FixedDistribution(LengthDistribution distribution) {
            this.distribution = distribution;
        }

        @Override
        public String name() {
            return "fixed";
        }

        @Override
        public int predictOutputLength(Request request) {
            return distribution.quantile(0.5);
        }

        @Override
        public Optional<LengthDistribution> predictDistribution(Request request) {
            asked++;
            return Optional.of(distribution);
        }
    }

    private static Request request(long id, int prompt, int predicted, int generated) {
        Request r = new Request(id, "r" + id, new int[prompt], SamplingParams.greedy(4096), 0);
        r.setPredictedOutputLength(predicted);
        r.markRunning(0);
        for (int i = 0; i < generated; i++) {
            r.appendToken(1, i);
        }
        return r;
    }

    @Test
    void pointPredictionsMatchTheFaithfulSimulationWithFineCheckpoints() {
        LengthPredictor point = new LengthPredictor() {
            @Override
            public String name() {
                return "point";
            }

            @Override
            public int predictOutputLength(Request request) {
                return 0;
            }
        };
        DistributionMemorySimulation dist = new DistributionMemorySimulation(BLOCK, MemorySimulation.FINE_CHECKPOINTS, point);
        MemorySimulation faithful = new MemorySimulation(BLOCK, MemorySimulation.FINE_CHECKPOINTS);
        for (int id = 0; id < 5; id++) {
            Request r = request(id, 10 + 37 * id, 20 + 100 * id, 3 * id);
            dist.addInFlight(r);
            faithful.addInFlight(r);
        }
        assertEquals(faithful.peak(), dist.predictedPeak(), 1e-9);
    }

    @Test
    void addsTheExpectedFootprintAtEachCheckpoint() {
        // output length uniform over 1..10 or 11..20, half each
        LengthDistribution d = new LengthDistribution(new int[] {1, 11, 21}, new double[] {0.5, 0.5});
        int[] checkpoints = {0, 5, 15, 20};
        DistributionMemorySimulation sim = new DistributionMemorySimulation(BLOCK, checkpoints, new FixedDistribution(d));
        sim.addInFlight(request(1, 14, 10, 0)); // 14 tokens now
        assertEquals(1.0, sim.usageAt(0), 1e-12);                         // ceil(14/16), surely alive
        assertEquals(d.survival(5) * 2, sim.usageAt(1), 1e-12);           // ceil(19/16) = 2
        assertEquals(d.survival(15) * 2, sim.usageAt(2), 1e-12);          // ceil(29/16) = 2
        assertEquals(d.survival(20) * 3, sim.usageAt(3), 1e-12);          // ceil(34/16) = 3
        assertEquals(d.survival(5) * 2, sim.predictedPeak(), 1e-12);
    }

    @Test
    void conditionsOnTheTokensAlreadyGenerated() {
        LengthDistribution d = new LengthDistribution(new int[] {1, 11, 21}, new double[] {0.5, 0.5});
        DistributionMemorySimulation sim = new DistributionMemorySimulation(BLOCK, new int[] {0, 5}, new FixedDistribution(d));
        sim.addInFlight(request(1, 2, 10, 12)); // 14 tokens, L >= 13 known
        assertEquals(1.0, sim.usageAt(0), 1e-12);
        assertEquals(d.survival(17) / d.survival(13) * 2, sim.usageAt(1), 1e-12);
    }

    @Test
    void keepsRequestsThatOutlivedTheirPrediction() {
        LengthDistribution d = new LengthDistribution(new int[] {1, 11}, new double[] {1});
        DistributionMemorySimulation sim = new DistributionMemorySimulation(BLOCK, new int[] {0, 5, 30}, new FixedDistribution(d));
        sim.addInFlight(request(1, 4, 10, 12)); // outlived: expected to live on for up to as long again
        assertEquals(1.0, sim.usageAt(0), 1e-12);
        assertTrue(sim.usageAt(1) > 0.5, "still expected to run 5 more steps: " + sim.usageAt(1));
        assertEquals(0.0, sim.usageAt(2), 1e-12);
    }

    @Test
    void asksForEachDistributionOnceAndForgetsRequestsNoLongerAdded() {
        FixedDistribution predictor = new FixedDistribution(new LengthDistribution(new int[] {1, 11}, new double[] {1}));
        DistributionMemorySimulation sim = new DistributionMemorySimulation(BLOCK, new int[] {0}, predictor);
        Request kept = request(1, 4, 10, 0);
        for (int rebuild = 0; rebuild < 10; rebuild++) {
            sim.clear();
            sim.addInFlight(kept);
        }
        assertEquals(1, predictor.asked);
        Request dropped = request(2, 4, 10, 0);
        sim.addInFlight(dropped);
        sim.clear();
        sim.clear();
        sim.addInFlight(dropped);
        assertEquals(3, predictor.asked);
    }

    @Test
    void aNewRequestCountsAsInFlightAndClearEmptiesTheForecast() {
        // No distribution from the oracle: a point mass at the 10 predicted tokens. With nothing
        // generated it is alive at every checkpoint up to 8 (12 > 10): ceil((16 + 8) / 16) = 2 blocks.
        DistributionMemorySimulation sim = new DistributionMemorySimulation(BLOCK, MemorySimulation.FINE_CHECKPOINTS,
                new OraclePredictor());
        Request fresh = new Request(1, "r1", new int[16], SamplingParams.greedy(4096), 0);
        fresh.setPredictedOutputLength(10);
        sim.addNew(fresh);
        assertEquals(2, sim.predictedPeak(), 1e-12);
        sim.clear();
        assertEquals(0, sim.predictedPeak());
    }
}
