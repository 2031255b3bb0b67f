package org.tdpipe.core.sched.tdpipe;

import java.util.Arrays;
import org.tdpipe.core.request.Request;

/**
 * TD-Pipe's predicted-KV simulation (DESIGN §2.2): {@code usage[m]} estimates the blocks in use
 * {@code m} decode steps ahead, for checkpoints m in {5, 8, 16, …, 4096}. A request of current
 * length {@code len} with {@code r} predicted tokens left adds {@code ceil((len + m) / blockSize)}
 * to every checkpoint it is predicted to survive to ({@code m ≤ r}); requests predicted to finish
 * earlier have freed their blocks by then. The predicted peak is the maximum over checkpoints.
 *
 * <p>Faithful quirk kept: a request with {@code r < 5} (including one that outlived its
 * prediction) contributes nothing.
 */
public final class MemorySimulation {
    static final int[] CHECKPOINTS = {5, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096};

    private final int blockSize;
    private final long[] usage = new long[CHECKPOINTS.length];

    public MemorySimulation(int blockSize) {
        this.blockSize = blockSize;
    }

    public void clear() {
        Arrays.fill(usage, 0);
    }

    /** Adds a request of {@code length} tokens with {@code remaining} predicted tokens to go. */
    public void add(int length, int remaining) {
        for (int i = 0; i < CHECKPOINTS.length && CHECKPOINTS[i] <= remaining; i++) {
            usage[i] += (length + CHECKPOINTS[i] + blockSize - 1) / blockSize;
        }
    }

    /** Adds an in-flight request with its current length and remaining prediction. */
    public void addInFlight(Request request) {
        add(request.numTokens(), request.predictedRemaining());
    }

    /** Predicted peak KV blocks over all checkpoints. */
    public long peak() {
        long max = 0;
        for (long u : usage) {
            max = Math.max(max, u);
        }
        return max;
    }
}
