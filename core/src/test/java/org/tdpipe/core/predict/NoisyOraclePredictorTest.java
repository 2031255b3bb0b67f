package org.tdpipe.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;

class NoisyOraclePredictorTest {
    private static Request request(long id, int truth) {
        return new Request(id, "r" + id, new int[] {1}, SamplingParams.fixedLength(truth), 0);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.3, 0.6})
    void itsDistributionIsCalibratedForItsErrorLevel(double sigma) {
        NoisyOraclePredictor p = new NoisyOraclePredictor(sigma, 11);
        int n = 4000;
        int[] below = new int[3];
        double[] levels = {0.1, 0.5, 0.9};
        for (int i = 0; i < n; i++) {
            Request r = request(i, 20 + (i * 7919) % 1500);
            LengthDistribution d = p.predictDistribution(r).orElseThrow();
            assertTrue(Math.abs(d.quantile(0.5) - p.predictOutputLength(r)) <= 1, "centred on the point prediction");
            for (int l = 0; l < levels.length; l++) {
                below[l] += r.sampling().maxTokens() <= d.quantile(levels[l]) ? 1 : 0;
            }
        }
        for (int l = 0; l < levels.length; l++) {
            assertEquals(levels[l], below[l] / (double) n, 0.03, "truth at or below the " + levels[l] + " quantile");
        }
    }

    @Test
    void itsSpreadGrowsWithTheErrorLevel() {
        Request r = request(5, 400);
        double previous = 0;
        for (double sigma : new double[] {0.1, 0.3, 0.6}) {
            LengthDistribution d = new NoisyOraclePredictor(sigma, 3).predictDistribution(r).orElseThrow();
            double spread = Math.log(d.quantile(0.9) / (double) d.quantile(0.1));
            assertEquals(2 * 1.2816 * sigma, spread, 0.25 * sigma, "log 90/10 quantile ratio of a log-normal");
            assertTrue(spread > previous);
            previous = spread;
        }
    }

    @Test
    void withoutNoiseItIsCertain() {
        LengthDistribution d = new NoisyOraclePredictor(0, 3).predictDistribution(request(1, 250)).orElseThrow();
        assertEquals(1, d.numBuckets());
        assertEquals(250, d.quantile(0.01));
        assertEquals(250, d.quantile(1));
    }

    @Test
    void shortPredictionsMergeBucketsThatRoundingEmpties() {
        LengthDistribution d = LogNormalLengths.around(2, 0.3);
        assertTrue(d.numBuckets() < 12, "edges rounded to whole tokens coincide: " + d.numBuckets());
        assertEquals(1, d.survival(0), 1e-9);
    }

    @Test
    void hugeErrorLevelsStayWithinTheIntegerRange() {
        LengthDistribution d = LogNormalLengths.around(1000, 10);
        assertEquals(1, d.survival(0), 1e-9);
        assertTrue(Math.abs(d.quantile(0.5) - 1000) <= 5, "median " + d.quantile(0.5));
    }

    @Test
    void standardNormalCdf() {
        assertEquals(0.5, LogNormalLengths.standardNormalCdf(0), 1e-5);
        assertEquals(0.975, LogNormalLengths.standardNormalCdf(1.959964), 1e-5);
        assertEquals(0.025, LogNormalLengths.standardNormalCdf(-1.959964), 1e-5);
    }
}
