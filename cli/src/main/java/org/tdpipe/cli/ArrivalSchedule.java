package org.tdpipe.cli;

import java.util.SplittableRandom;

/**
 * When each request of a {@link LoadPattern} arrives: gaps drawn from a gamma distribution with
 * shape {@code burstiness} and mean {@code 1 / rate} (vLLM's arrival process; shape 1 is Poisson),
 * seeded so that a run can be repeated.
 */
final class ArrivalSchedule {
    private ArrivalSchedule() {
    }

    /** Arrival times in nanoseconds from the start, first at 0 (all 0 at an infinite rate). */
    static long[] offsetsNanos(int requests, double rate, double burstiness, long seed) {
        long[] at = new long[requests];
        if (Double.isInfinite(rate)) {
            return at;
        }
        SplittableRandom random = new SplittableRandom(seed);
        double scale = 1 / (rate * burstiness);
        double seconds = 0;
        for (int i = 1; i < requests; i++) {
            seconds += gamma(random, burstiness) * scale;
            at[i] = (long) (seconds * 1e9);
        }
        return at;
    }

    /** A Gamma(shape, 1) draw (Marsaglia and Tsang; shapes below 1 boosted by U^(1/shape)). */
    static double gamma(SplittableRandom random, double shape) {
        if (shape < 1) {
            return gamma(random, shape + 1) * Math.pow(random.nextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x;
            double v;
            do {
                x = normal(random);
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = random.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }

    private static double normal(SplittableRandom random) {
        double u1 = 1 - random.nextDouble(); // (0, 1]: the logarithm stays finite
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
