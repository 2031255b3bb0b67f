package org.tdpipe.model.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs loops over index ranges on a fixed number of threads: the calling thread plus
 * {@code threads - 1} workers that live as long as the pool. Each pipeline stage owns one, sized to
 * its share of the cores, and calls it from one thread at a time. A loop is published with one
 * volatile write; workers that are between loops spin for {@link #SPIN_NANOS} before parking, so
 * that the many short products of a forward pass cost no thread wake-up, while an idle stage
 * burns no CPU.
 */
public final class Parallel implements AutoCloseable {
    /** How long a waiting thread spins before it parks: longer than the gaps between a forward pass's products. */
    static final long SPIN_NANOS = 100_000;
    private static final AtomicLong POOLS = new AtomicLong();

    private final int threads;
    private final Worker[] workers;
    /** Chunks of the current loop not yet taken. */
    private final AtomicInteger nextChunk = new AtomicInteger();
    /** Workers still running the current loop. */
    private final AtomicInteger running = new AtomicInteger();
    private RangeBody body;
    private int n;
    private int chunkSize;
    private int chunks;
    private volatile long generation;
    /** The thread running the current loop, which waits for the workers. */
    private volatile Thread caller;
    private volatile boolean callerParked;
    private volatile Throwable failure;
    private volatile boolean closed;
    private boolean inLoop;

    public Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("number of threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        long pool = POOLS.incrementAndGet();
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker("tdpipe-kernels-" + pool + "-" + (i + 1));
            workers[i].thread.start();
        }
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
     * {@code grain} (except the last), taken by the threads as they come free; returns when all
     * chunks are done, rethrowing what a chunk threw. Called from within a loop, it runs on the
     * calling thread alone.
     */
    public void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int grains = (n + grain - 1) / grain;
        if (workers.length == 0 || grains == 1 || inLoop) {
            body.run(0, n);
            return;
        }
        int chunkCount = Math.min(grains, threads * 4);
        this.body = body;
        this.n = n;
        this.chunkSize = (grains + chunkCount - 1) / chunkCount * grain;
        this.chunks = (n + chunkSize - 1) / chunkSize;
        this.failure = null;
        this.caller = Thread.currentThread();
        nextChunk.set(0);
        running.set(workers.length);
        inLoop = true;
        try {
            generation++; // publishes the fields above to the workers
            for (Worker w : workers) {
                if (w.parked) {
                    LockSupport.unpark(w.thread);
                }
            }
            runChunksCatching();
            awaitWorkers();
        } finally {
            inLoop = false;
            this.body = null;
        }
        Throwable t = failure;
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
    }

    /** Takes chunks until none is left; a chunk that throws is recorded and stops the handing out of chunks. */
    private void runChunksCatching() {
        try {
            for (int c = nextChunk.getAndIncrement(); c < chunks; c = nextChunk.getAndIncrement()) {
                int from = c * chunkSize;
                body.run(from, Math.min(n, from + chunkSize));
            }
        } catch (Throwable t) {
            failure = t;
            nextChunk.set(chunks);
        }
    }

    private void awaitWorkers() {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (running.get() > 0) {
            if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
                continue;
            }
            callerParked = true;
            if (running.get() > 0) {
                LockSupport.park(this);
            }
            callerParked = false;
        }
    }

    /** A pool thread: waits for the next loop, takes its chunks, reports done. */
    private final class Worker {
        final Thread thread;
        volatile boolean parked;

        Worker(String name) {
            this.thread = Thread.ofPlatform().name(name).daemon().unstarted(this::run);
        }

        private void run() {
            long seen = 0;
            while (true) {
                seen = awaitLoop(seen);
                if (closed) {
                    return;
                }
                runChunksCatching();
                if (running.decrementAndGet() == 0 && callerParked) {
                    LockSupport.unpark(caller);
                }
            }
        }

        /** Waits until a loop newer than {@code seen} is published (or the pool closes); returns its generation. */
        private long awaitLoop(long seen) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            long g;
            while ((g = generation) == seen && !closed) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                if (generation == seen && !closed) {
                    LockSupport.park(this);
                }
                parked = false;
            }
            return g;
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
    }
}
