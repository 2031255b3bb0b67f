package org.tdpipe.sim.workload;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Draws N requests from a pool with a seed, as vLLM's benchmark does: a seeded shuffle, then the
 * first N. When N exceeds the pool, the shuffled pool is repeated (each row used ⌊N/rows⌋ or
 * ⌈N/rows⌉ times), which keeps the length distribution exactly rather than drawing with replacement.
 */
public final class WorkloadSampler {
    private WorkloadSampler() {
    }

    public static List<WorkloadItem> sample(List<WorkloadItem> pool, int n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("number of requests must be >= 1, got " + n);
        }
        if (pool.isEmpty()) {
            throw new IllegalArgumentException("cannot sample " + n + " requests: no trace row passes the length filter");
        }
        List<WorkloadItem> shuffled = new ArrayList<>(pool);
        Collections.shuffle(shuffled, new Random(seed));
        List<WorkloadItem> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(shuffled.get(i % shuffled.size()));
        }
        return out;
    }
}
