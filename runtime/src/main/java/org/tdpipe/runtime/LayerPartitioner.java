package org.tdpipe.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tdpipe.model.llama.LayerRange;

/**
 * Splits a model's layers into contiguous per-stage ranges: balanced, so that the most expensive
 * stage (its layers, plus the embedding on the first and the LM head on the last) is as cheap as
 * possible; or as the user gives it ({@code --layer-split 3,2}).
 */
public final class LayerPartitioner {
    private LayerPartitioner() {
    }

    /** The contiguous split into {@code stages} non-empty ranges that minimizes the costliest stage. */
    public static List<LayerRange> balanced(StageCosts costs, int stages) {
        int n = costs.numLayers();
        if (stages < 1 || stages > n) {
            throw new IllegalArgumentException("cannot split " + n + " layers into " + stages + " stages (need 1.." + n + ")");
        }
        double[] prefix = new double[n + 1];
        for (int i = 0; i < n; i++) {
            prefix[i + 1] = prefix[i] + costs.layer(i);
        }
        // best[s][i]: least max stage cost of the first i layers over s stages; cut[s][i]: where the last begins
        double[][] best = new double[stages + 1][n + 1];
        int[][] cut = new int[stages + 1][n + 1];
        for (double[] row : best) {
            Arrays.fill(row, Double.POSITIVE_INFINITY);
        }
        best[0][0] = 0;
        for (int s = 1; s <= stages; s++) {
            for (int i = s; i <= n - (stages - s); i++) {
                for (int j = s - 1; j < i; j++) {
                    double stage = prefix[i] - prefix[j] + (j == 0 ? costs.embedding() : 0) + (i == n ? costs.head() : 0);
                    double candidate = Math.max(best[s - 1][j], stage);
                    if (candidate < best[s][i]) {
                        best[s][i] = candidate;
                        cut[s][i] = j;
                    }
                }
            }
        }
        int[] sizes = new int[stages];
        for (int s = stages, i = n; s >= 1; i = cut[s][i], s--) {
            sizes[s - 1] = i - cut[s][i];
        }
        return explicit(sizes, n);
    }

    /** Consecutive ranges of the given sizes, which must be positive and add up to {@code totalLayers}. */
    public static List<LayerRange> explicit(int[] sizes, int totalLayers) {
        int sum = 0;
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] < 1) {
                throw new IllegalArgumentException("layer split " + describe(sizes) + ": stage " + i + " gets "
                        + sizes[i] + " layers, each stage needs at least one");
            }
            sum += sizes[i];
        }
        if (sizes.length == 0 || sum != totalLayers) {
            throw new IllegalArgumentException("layer split " + describe(sizes) + " covers " + sum
                    + " layers but the model has " + totalLayers);
        }
        List<LayerRange> out = new ArrayList<>(sizes.length);
        int from = 0;
        for (int size : sizes) {
            out.add(new LayerRange(from, from + size, totalLayers));
            from += size;
        }
        return out;
    }

    private static String describe(int[] sizes) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < sizes.length; i++) {
            b.append(i == 0 ? "" : ",").append(sizes[i]);
        }
        return "'" + b + "'";
    }
}
