package org.tdpipe.core.predict;

import java.util.ArrayList;
import java.util.List;

/**
 * Output lengths log-normally spread around a median, {@code median × exp(N(0, sigma²))}, as
 * buckets of a {@link LengthDistribution}: edges every half sigma out to three sigmas on each side
 * (the tails beyond fold into the outer buckets), rounded to whole tokens, and buckets that
 * rounding empties merged into their neighbours.
 */
final class LogNormalLengths {
    private static final int STEPS_PER_SIGMA = 2;
    private static final int SIGMAS = 3;

    private LogNormalLengths() {
    }

    static LengthDistribution around(int median, double sigma) {
        if (sigma == 0) {
            return LengthDistribution.pointMass(median);
        }
        int k0 = -SIGMAS * STEPS_PER_SIGMA;
        List<Integer> edges = new ArrayList<>();
        List<Double> masses = new ArrayList<>();
        edges.add(edge(median, sigma, k0));
        double carried = standardNormalCdf(k0 / (double) STEPS_PER_SIGMA);
        for (int k = k0; k < -k0; k++) {
            double mass = carried + standardNormalCdf((k + 1) / (double) STEPS_PER_SIGMA)
                    - standardNormalCdf(k / (double) STEPS_PER_SIGMA);
            carried = 0;
            if (k + 1 == -k0) {
                mass += 1 - standardNormalCdf(SIGMAS);
            }
            int hi = edge(median, sigma, k + 1);
            if (hi > edges.getLast()) {
                edges.add(hi);
                masses.add(mass);
            } else if (masses.isEmpty()) {
                carried = mass;
            } else {
                masses.set(masses.size() - 1, masses.getLast() + mass);
            }
        }
        if (masses.isEmpty()) {
            return LengthDistribution.pointMass(median);
        }
        double total = masses.stream().mapToDouble(Double::doubleValue).sum();
        return new LengthDistribution(edges.stream().mapToInt(Integer::intValue).toArray(),
                masses.stream().mapToDouble(m -> m / total).toArray());
    }

    private static int edge(int median, double sigma, int step) {
        return Math.clamp(Math.round(median * Math.exp(sigma * step / STEPS_PER_SIGMA)), 1, Integer.MAX_VALUE - 1);
    }

    /** Φ(z), from Numerical Recipes' Chebyshev fit of the complementary error function (|error| < 2e-6). */
    static double standardNormalCdf(double z) {
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.5 * x);
        double erfc = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851973
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return z >= 0 ? 1 - erfc / 2 : erfc / 2;
    }
}
