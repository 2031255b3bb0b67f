package org.tdpipe.core.engine;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.tdpipe.core.exec.ForwardingPipelineExecutor;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.exec.StepResult;

/**
 * Wraps an executor so a test can hold an online engine's loop at a known point: after
 * {@link #pauseNextWait()}, the loop's next wait for a completion blocks until {@link #resume()} and
 * then returns nothing (as a deadline would), so commands posted meanwhile are handled while the
 * batches in flight stay in flight.
 */
class PausingExecutor extends ForwardingPipelineExecutor {
    private volatile CountDownLatch paused;
    private volatile CountDownLatch released;

    PausingExecutor(PipelineExecutor delegate) {
        super(delegate);
    }

    /** Arms the pause for the loop's next {@link #next} call. */
    void pauseNextWait() {
        released = new CountDownLatch(1);
        paused = new CountDownLatch(1);
    }

    /** Waits until the loop is held inside {@link #next}. */
    void awaitPaused() throws InterruptedException {
        if (!paused.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the engine loop never waited for a completion");
        }
    }

    void resume() {
        released.countDown();
    }

    @Override
    public Optional<StepResult> next(long deadlineNanos) {
        CountDownLatch p = paused;
        if (p != null && p.getCount() > 0) {
            p.countDown();
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Optional.empty();
        }
        return super.next(deadlineNanos);
    }
}
