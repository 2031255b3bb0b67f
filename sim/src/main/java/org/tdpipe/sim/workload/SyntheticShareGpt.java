package org.tdpipe.sim.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A stand-in for the filtered ShareGPT workload when the trace file is absent: input and output
 * lengths drawn independently (their log-correlation in the real data is −0.03) from the
 * 5%-quantiles of the real distribution after the paper's filter (11,035 rows; mean input 378,
 * mean output 419; both within 4..1024, so every pair passes {@link LengthFilter#PAPER}), with
 * linear interpolation between quantiles.
 */
public final class SyntheticShareGpt {
    public static final String SOURCE = "synthetic-sharegpt";

    private static final double[] INPUT_QUANTILES = {
        4, 16, 23, 31, 44, 60, 86, 117, 165, 225, 297, 378, 453, 523, 596, 667, 732, 811, 878, 949, 1024,
    };
    private static final double[] OUTPUT_QUANTILES = {
        4, 38, 66, 94, 134, 187, 235, 288, 330, 365, 402, 437, 478, 522, 566, 610, 663, 733, 817, 907, 1024,
    };

    private SyntheticShareGpt() {
    }

    /** {@code n} requests, all arriving at 0, deterministic for {@code seed}. */
    public static Trace generate(int n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("number of requests must be >= 1, got " + n);
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<WorkloadItem> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int input = draw(INPUT_QUANTILES, random);
            int output = draw(OUTPUT_QUANTILES, random);
            items.add(new WorkloadItem(input, output, 0));
        }
        return new Trace(SOURCE, items, false);
    }

    private static int draw(double[] quantiles, SplittableRandom random) {
        double x = random.nextDouble() * (quantiles.length - 1);
        int i = Math.min((int) x, quantiles.length - 2);
        double f = x - i;
        return (int) Math.round(quantiles[i] + f * (quantiles[i + 1] - quantiles[i]));
    }
}
