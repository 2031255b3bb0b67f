package org.tdpipe.core.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LengthDistributionTest {
    // lengths 1..10 with 0.5, 11..20 with 0.5
    private final LengthDistribution twoBuckets = new LengthDistribution(new int[] {1, 11, 21}, new double[] {0.5, 0.5});

    @Test
    void survivalIsUniformWithinBuckets() {
        assertEquals(1.0, twoBuckets.survival(0), 1e-12);
        assertEquals(1.0, twoBuckets.survival(1), 1e-12);
        assertEquals(0.5 + 0.5 * 5 / 10.0, twoBuckets.survival(6), 1e-12);
        assertEquals(0.5, twoBuckets.survival(11), 1e-12);
        assertEquals(0.05, twoBuckets.survival(20), 1e-12);
        assertEquals(0.0, twoBuckets.survival(21), 1e-12);
    }

    @Test
    void quantileIsTheSmallestLengthReachingTheProbability() {
        assertEquals(10, twoBuckets.quantile(0.5));
        assertEquals(1, twoBuckets.quantile(0.05));
        assertEquals(5, twoBuckets.quantile(0.25));
        assertEquals(15, twoBuckets.quantile(0.75));
        assertEquals(20, twoBuckets.quantile(1.0));
        assertThrows(IllegalArgumentException.class, () -> twoBuckets.quantile(0));
    }

    @Test
    void scalingMovesTheEdgesAndMergesBucketsThatShrinkToNothing() {
        assertSame(twoBuckets, twoBuckets.scaled(1));
        LengthDistribution half = twoBuckets.scaled(0.5);
        assertArrayEquals(new int[] {1, 6, 11}, half.edges());
        assertArrayEquals(new double[] {0.5, 0.5}, half.probabilities(), 1e-12);
        assertEquals(5, half.quantile(0.5));

        // at 0.2, [1, 2) and [2, 3) shrink to nothing (no length is below 1); their mass joins [3, 9) -> [1, 2)
        LengthDistribution geometric = new LengthDistribution(new int[] {1, 2, 3, 9, 30}, new double[] {0.1, 0.2, 0.3, 0.4});
        LengthDistribution fifth = geometric.scaled(0.2);
        assertArrayEquals(new int[] {1, 2, 6}, fifth.edges());
        assertArrayEquals(new double[] {0.6, 0.4}, fifth.probabilities(), 1e-12);
        LengthDistribution point = new LengthDistribution(new int[] {20, 21}, new double[] {1}).scaled(0.1);
        assertArrayEquals(new int[] {2, 3}, point.edges(), "a single bucket that shrinks to a point");
        assertThrows(IllegalArgumentException.class, () -> twoBuckets.scaled(0));
    }

    @Test
    void skipsEmptyBucketsInQuantiles() {
        LengthDistribution d = new LengthDistribution(new int[] {1, 5, 9, 13}, new double[] {0.5, 0, 0.5});
        assertEquals(4, d.quantile(0.5));
        assertEquals(9, d.quantile(0.6));
    }

    @Test
    void meanAndMostLikelyBucket() {
        assertEquals(0.5 * 5.5 + 0.5 * 15.5, twoBuckets.mean(), 1e-12);
        LengthDistribution d = new LengthDistribution(new int[] {1, 2, 4}, new double[] {0.3, 0.7});
        assertEquals(1, d.mostLikelyBucket());
        assertEquals(1, d.bucketOf(3));
        assertEquals(0, d.bucketOf(1));
    }

    @Test
    void conditionalOnSurvivingKeepsTheTail() {
        LengthDistribution given = twoBuckets.givenAtLeast(16);
        assertArrayEquals(new int[] {16, 21}, given.edges());
        assertEquals(1.0, given.survival(16), 1e-12);
        assertEquals(0.0, given.survival(21), 1e-12);
        LengthDistribution given6 = twoBuckets.givenAtLeast(6);
        assertEquals(0.5 * 0.5 / 0.75, given6.probability(0), 1e-12);
        assertEquals(twoBuckets.survival(15) / twoBuckets.survival(6), given6.survival(15), 1e-12);
    }

    @Test
    void outlivingThePredictionExpectsAsLongAgain() {
        LengthDistribution given = twoBuckets.givenAtLeast(30);
        assertEquals(1.0, given.survival(30), 1e-12);
        assertEquals(0.0, given.survival(61), 1e-12);
        assertEquals(45, given.quantile(0.5));
    }

    @Test
    void cappingMovesTheTailToTheCap() {
        LengthDistribution capped = twoBuckets.cappedAt(15);
        assertEquals(1.0, capped.survival(1), 1e-12);
        assertEquals(0.5 + 0.5 * 5 / 10.0, capped.survival(6), 1e-12);
        assertEquals(0.5 * 6 / 10.0, capped.survival(15), 1e-12);
        assertEquals(0.0, capped.survival(16), 1e-12);
        LengthDistribution onEdge = twoBuckets.cappedAt(11);
        assertEquals(0.5, onEdge.survival(11), 1e-12);
        assertEquals(0.0, onEdge.survival(12), 1e-12);
        assertEquals(3, twoBuckets.cappedAt(3).quantile(1.0));
        assertSame(twoBuckets, twoBuckets.cappedAt(100));
    }

    @Test
    void rejectsInvalidDistributions() {
        assertThrows(IllegalArgumentException.class, () -> new LengthDistribution(new int[] {1, 1}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new LengthDistribution(new int[] {1, 2}, new double[] {0.5}));
        assertThrows(IllegalArgumentException.class, () -> new LengthDistribution(new int[] {1, 2, 3}, new double[] {1}));
    }
}
