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
 * <p>The authors' checkpoints keep their quirk: a request with {@code r < 5} (including one that
 * outlived its prediction) contributes nothing. Finer checkpoints starting at 0 (the current
 * footprint) make the simulation see every request.
 */
public final class MemorySimulation implements KvUsageForecast {
    /** The authors' checkpoints. */
    public static final int[] AUTHORS_CHECKPOINTS = {5, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096};
    /** Every ~1.5× from now (0) to 4096 steps ahead. */
    public static final int[] FINE_CHECKPOINTS = {0, 1, 2, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384,
        512, 768, 1024, 1536, 2048, 3072, 4096};

    private final int blockSize;
    private final int[] checkpoints;
    private final long[] usage;

    public MemorySimulation(int blockSize) {
        this(blockSize, AUTHORS_CHECKPOINTS);
    }

    public MemorySimulation(int blockSize, int[] checkpoints) {
        this.blockSize = blockSize;
        this.checkpoints = checkpoints.clone();
        this.usage = new long[checkpoints.length];
    }

    @Override
    public void clear() {
        Arrays.fill(usage, 0);
    }

    /** Adds a request of {@code length} tokens with {@code remaining} predicted tokens to go. */
    public void add(int length, int remaining) {
        for (int i = 0; i < checkpoints.length && checkpoints[i] <= remaining; i++) {
            usage[i] += (length + checkpoints[i] + blockSize - 1) / blockSize;
        }
    }

    /** Adds a request at its current length with its whole prediction to go (the authors' accounting). */
    @Override
    public void addNew(Request request) {
        add(request.numTokens(), request.predictedOutputLength());
    }

    /** Adds an in-flight request with its current length and remaining prediction. */
    @Override
    public void addInFlight(Request request) {
        add(request.numTokens(), request.predictedRemaining());
    }

    /**
     * Adds an in-flight request, keeping one that outlived its prediction: it is expected to live
     * on for half the tokens it has generated so far (at least one block's worth) rather than
     * vanish from the simulation as in the original.
     */
    public void addInFlightKeepingOutlived(Request request) {
        add(request.numTokens(), remainingKeepingOutlived(request, blockSize));
    }

    /**
     * The tokens an in-flight request is expected to generate still: its remaining prediction, or,
     * once it outlived the prediction, half the tokens it has generated so far (at least {@code minimum}).
     */
    public static int remainingKeepingOutlived(Request request, int minimum) {
        int remaining = request.predictedRemaining();
        if (remaining == 0 && !request.isFinished()) {
            remaining = Math.max(minimum, request.numOutputTokens() / 2);
        }
        return remaining;
    }

    /** The predicted peak if a request of {@code length} tokens with {@code remaining} to go were added. */
    public long peakWith(int length, int remaining) {
        long max = 0;
        for (int i = 0; i < checkpoints.length; i++) {
            long u = usage[i];
            if (checkpoints[i] <= remaining) {
                u += (length + checkpoints[i] + blockSize - 1) / blockSize;
            }
            max = Math.max(max, u);
        }
        return max;
    }

    @Override
    public double predictedPeak() {
        return peak();
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
