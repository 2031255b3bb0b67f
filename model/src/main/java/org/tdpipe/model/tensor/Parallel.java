package org.tdpipe.model.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Runs loops over index ranges on a fixed number of threads: the calling thread plus
 * {@code threads - 1} pool workers. Each pipeline stage owns one, sized to its share of the cores.
 */
public final class Parallel implements AutoCloseable {
    private final int threads;
    private final ForkJoinPool pool;

    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("number of threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads - 1);
    }

    /** One thread per available processor. */
    public static Parallel allCores() {
        return new Parallel(Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return threads;
    }

    /** A loop body over a sub-range {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into contiguous chunks that are multiples of
     * {@code grain} (except the last); returns when all chunks are done.
     */
    public void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int maxChunks = (n + grain - 1) / grain;
        int chunks = Math.min(maxChunks, threads * 4);
        if (threads == 1 || chunks == 1) {
            body.run(0, n);
            return;
        }
        int perChunk = ((maxChunks + chunks - 1) / chunks) * grain;
        List<ForkJoinTask<?>> tasks = new ArrayList<>(chunks);
        for (int from = perChunk; from < n; from += perChunk) {
            int f = from;
            int t = Math.min(n, from + perChunk);
            tasks.add(pool.submit(() -> body.run(f, t)));
        }
        body.run(0, Math.min(n, perChunk));
        for (ForkJoinTask<?> task : tasks) {
            task.join();
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
