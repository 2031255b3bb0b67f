package org.tdpipe.server;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.tdpipe.core.exec.ForwardingPipelineExecutor;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.exec.StepBatch;

/**
 * A real pipeline whose batch launches a test can hold and release one by one: while held, the
 * engine loop waits inside {@link #submit} for a permit, so requests pile up in its inbox and
 * tokens come out only as fast as the test allows.
 */
final class GatedExecutor extends ForwardingPipelineExecutor {
    private final Semaphore permits = new Semaphore(0);
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile boolean held;

    GatedExecutor(PipelineExecutor delegate) {
        super(delegate);
    }

    /** From now on every launch needs a permit. */
    void hold() {
        held = true;
    }

    /** Lets {@code n} more launches through. */
    void release(int n) {
        permits.release(n);
    }

    /** Launches run freely again. */
    void open() {
        held = false;
        permits.release(1_000_000);
    }

    /** Whether the engine waits for a permit now. */
    boolean engineWaiting() {
        return waiting.get() > 0;
    }

    @Override
    public void submit(StepBatch batch) {
        if (held) {
            waiting.incrementAndGet();
            permits.acquireUninterruptibly();
            waiting.decrementAndGet();
        }
        super.submit(batch);
    }

    @Override
    public void close() {
        open();
        super.close();
    }
}
