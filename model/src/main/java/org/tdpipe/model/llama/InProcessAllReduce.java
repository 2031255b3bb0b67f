package org.tdpipe.model.llama;

import java.util.Arrays;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import org.tdpipe.model.tensor.Vectors;

/**
 * The all-reduce of tensor-parallel ranks that are threads of this process: each rank publishes
 * its partial, waits for the others, and adds all of them in rank order into its own copy; a second
 * wait keeps every partial alive until all ranks have read it.
 */
public final class InProcessAllReduce {
    private final float[][] partials;
    private final CyclicBarrier barrier;

    public InProcessAllReduce(int ranks) {
        this.partials = new float[ranks][];
        this.barrier = new CyclicBarrier(ranks);
    }

    /** Rank {@code rank}'s side of the all-reduce. */
    public AllReduce rank(int rank) {
        return (partial, length) -> sum(rank, partial, length);
    }

    private void sum(int rank, float[] partial, int length) {
        partials[rank] = partial;
        await();
        float[] total = Arrays.copyOf(partials[0], length);
        for (int r = 1; r < partials.length; r++) {
            Vectors.addInPlace(total, partials[r], length);
        }
        await();
        System.arraycopy(total, 0, partial, 0, length);
    }

    /** A rank failed: the ranks waiting in a sum, or arriving at it, fail too instead of waiting forever. */
    public void abort() {
        barrier.reset();
    }

    private void await() {
        try {
            barrier.await();
        } catch (BrokenBarrierException e) {
            throw new IllegalStateException("another tensor-parallel rank of this stage failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted in a tensor-parallel all-reduce", e);
        }
    }
}
