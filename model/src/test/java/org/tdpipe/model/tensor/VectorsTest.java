package org.tdpipe.model.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class VectorsTest {
    @Test
    void expIsWithinTwoUlpOfMathExpWhereAFloatHoldsIt() {
        Random r = new Random(1);
        for (int i = 0; i < 200_000; i++) {
            float x = (float) (r.nextDouble() * 175 - 87);
            float expected = (float) Math.exp(x);
            float actual = Vectors.exp(x);
            assertTrue(Math.abs(actual - expected) <= 2 * Math.ulp(expected), "e^" + x + ": " + actual + " vs " + expected);
        }
        assertEquals(1f, Vectors.exp(0f));
        assertEquals(0f, Vectors.exp(-100f));
        assertEquals(0f, Vectors.exp(Float.NEGATIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, Vectors.exp(100f));
    }

    @Test
    void everyLaneOfAVectorGetsTheSameValueAsAScalar() {
        float[] x = new float[Vectors.LANES];
        for (int i = 0; i < x.length; i++) {
            x[i] = -20f + 2.7f * i;
        }
        float[] lanes = new float[x.length];
        Vectors.exp(FloatVector.fromArray(Vectors.F, x, 0)).intoArray(lanes, 0);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Vectors.exp(x[i]), lanes[i], "lane " + i);
        }
    }

    @Test
    void theLaneSumAddsHalvesThenQuarters() {
        float[] x = new float[Vectors.LANES];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.pow(-1.37, i) * 1e-3f * (i + 1);
        }
        // the fixed tree: pairs (i, i + L/2), then (i, i + L/4) of those, ...
        float[] tree = x.clone();
        for (int half = x.length / 2; half >= 1; half /= 2) {
            for (int i = 0; i < half; i++) {
                tree[i] = tree[i] + tree[i + half];
            }
        }
        assertEquals(tree[0], Vectors.sum(FloatVector.fromArray(Vectors.F, x, 0)));
    }

    @Test
    void aSoftmaxsNumeratorsSumToItsDenominator() {
        float[] x = {3f, -1f, 0.5f, 2f, 7f, -3f, 1f, 0f, 4f, 4f, -2f, 6f, 1.5f, 0.25f, -0.5f, 5f, 2.5f, -4f, 3.5f};
        float[] e = new float[x.length];
        float sum = Vectors.expShifted(x, 0, x.length, 7f, e, 0);
        double expected = 0;
        for (int i = 0; i < x.length; i++) {
            assertEquals(Math.exp(x[i] - 7), e[i], 1e-6);
            expected += e[i];
        }
        assertEquals(expected, sum, 1e-5);
        assertEquals(7f, Vectors.max(x, 0, x.length));
        assertEquals(4f, Vectors.max(x, 8, 2));
    }
}
