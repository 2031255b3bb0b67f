package org.tdpipe.sim.cost;

import org.tdpipe.core.profile.Profile;

/**
 * Builds a scheduler cost table from a cost model, so policies have a {@code T[n]} in roofline
 * mode too: {@code T[n]} = the model as a single stage running one prompt of n tokens, as the
 * TD-Pipe profiler measures. The policy sees this table, never the cost model itself.
 */
public final class ProfileFromCostModel {
    /** Rows of the TD-Pipe profiles. */
    public static final int DEFAULT_MAX_TOKENS = 2048;

    private ProfileFromCostModel() {
    }

    public static Profile build(String source, StageCostModel cost, int maxTokens) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("profile needs at least one row, got max tokens " + maxTokens);
        }
        double[] ms = new double[maxTokens];
        for (int n = 1; n <= maxTokens; n++) {
            ms[n - 1] = cost.stageNanos(BatchLoad.prefill(n), 0, 1) / 1e6;
        }
        return new Profile(source, ms);
    }
}
