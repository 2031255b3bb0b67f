package org.tdpipe.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;

class LengthPredictorsTest {
    private static Request request(long id, int maxTokens) {
        return new Request(id, "r" + id, new int[] {1}, SamplingParams.fixedLength(maxTokens), 0);
    }

    @Test
    void oracleAndConstant() {
        assertEquals(300, LengthPredictors.byName("oracle", 0).predictOutputLength(request(1, 300)));
        assertEquals(100, LengthPredictors.byName("constant:100", 0).predictOutputLength(request(1, 300)));
        Request capped = new Request(2, "r2", new int[] {1}, SamplingParams.greedy(50), 0);
        assertEquals(50, LengthPredictors.byName("constant:100", 0).predictOutputLength(capped), "capped at max_tokens");
        assertEquals(100, LengthPredictors.byName("constant:100", 0).predictOutputLength(request(1, 50)),
                "not capped when max_tokens is the true length (ignore_eos)");
    }

    @Test
    void noisyOracleIsSeededPerRequestAndCentredOnTheTruth() {
        LengthPredictor a = LengthPredictors.byName("noisy-oracle:0.5", 7);
        LengthPredictor b = LengthPredictors.byName("noisy-oracle:0.5", 7);
        assertEquals(a.predictOutputLength(request(3, 400)), b.predictOutputLength(request(3, 400)));
        assertNotEquals(a.predictOutputLength(request(3, 400)), LengthPredictors.byName("noisy-oracle:0.5", 8)
                .predictOutputLength(request(3, 400)));
        double logSum = 0;
        for (int i = 0; i < 2000; i++) {
            logSum += Math.log(a.predictOutputLength(request(i, 400)) / 400.0);
        }
        assertEquals(0, logSum / 2000, 0.05, "log-normal error with median at the truth");
        assertEquals(400, LengthPredictors.byName("noisy-oracle:0", 1).predictOutputLength(request(1, 400)));
    }

    @Test
    void badNamesAreExplained() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LengthPredictors.byName("psychic", 0));
        assertTrue(e.getMessage().contains("known:"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LengthPredictors.byName("constant", 0));
        assertThrows(IllegalArgumentException.class, () -> LengthPredictors.byName("constant:x", 0));
        assertThrows(IllegalArgumentException.class, () -> LengthPredictors.byName("noisy-oracle:-1", 0));
    }
}
