package org.tdpipe.runtime;

import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.tdpipe.core.exec.Clock;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.StepResult;
import org.tdpipe.core.exec.WallClock;
import org.tdpipe.core.timeline.Timeline;

/**
 * The controller's side of a real pipeline of P stages whose batches complete on other threads
 * (stage workers in this JVM or in other processes): up to P batches in flight, {@link #submit}
 * dispatches and returns, and what the stages report arrives as events on a queue that
 * {@link #next} waits on with the engine's deadline. Batches complete in launch order.
 *
 * <p>Once the pipeline breaks (a worker died or was lost), every batch in flight and every later
 * one fails with the reason, so no request waits forever. Used from one controller thread; events
 * may be posted from any thread.
 *
 * @param <E> what the stages report
 */
public abstract class AsyncPipelineExecutor<E> implements PipelineExecutor {
    private final Clock clock = new WallClock();
    private final Timeline timeline;
    private final int numStages;
    private final BlockingQueue<E> events = new LinkedBlockingQueue<>();
    /** Launched batches not yet returned by {@link #next}, in launch order (= completion order). */
    private final ArrayDeque<StepBatch> inFlight = new ArrayDeque<>();
    private String brokenReason;

    protected AsyncPipelineExecutor(int numStages) {
        if (numStages < 1) {
            throw new IllegalArgumentException("a pipeline needs at least one stage");
        }
        this.numStages = numStages;
        this.timeline = new Timeline(numStages);
    }

    /** Sends the batch's metadata to every stage; called only while the pipeline is whole. */
    protected abstract void dispatch(StepBatch batch);

    /** The result of {@code head}, the oldest batch in flight, given the next event. */
    protected abstract StepResult complete(StepBatch head, E event);

    /** Queues an event for the controller thread (from any thread). */
    protected final void post(E event) {
        events.add(event);
    }

    /** Marks the pipeline broken and fails {@code head} with the reason. */
    protected final StepResult breakDown(StepBatch head, String reason) {
        brokenReason = reason;
        return StepResult.failed(head, reason);
    }

    /** Checks that the completed batch is the oldest one in flight. */
    protected static void requireHead(StepBatch head, long completedId) {
        if (head.id() != completedId) {
            throw new IllegalStateException("batch " + completedId + " completed before batch " + head.id()
                    + ", which was launched first");
        }
    }

    @Override
    public final int numStages() {
        return numStages;
    }

    @Override
    public final int maxInFlight() {
        return numStages;
    }

    @Override
    public final int inFlight() {
        return inFlight.size();
    }

    @Override
    public final void submit(StepBatch batch) {
        if (!hasFreeSlot()) {
            throw new IllegalStateException("no free slot for batch " + batch.id() + ": " + inFlight.size()
                    + " batches in flight on " + numStages + " stages");
        }
        inFlight.addLast(batch);
        if (brokenReason == null) {
            dispatch(batch);
        }
    }

    @Override
    public final Optional<StepResult> next(long deadlineNanos) {
        if (inFlight.isEmpty()) {
            if (deadlineNanos == Long.MAX_VALUE) {
                throw new IllegalStateException("nothing in flight: waiting for a completion without a deadline would never end");
            }
            sleepUntil(deadlineNanos);
            return Optional.empty();
        }
        if (brokenReason != null) {
            return Optional.of(StepResult.failed(inFlight.pollFirst(), brokenReason));
        }
        E event = await(deadlineNanos);
        if (event == null) {
            return Optional.empty();
        }
        return Optional.of(complete(inFlight.pollFirst(), event));
    }

    private E await(long deadlineNanos) {
        try {
            if (deadlineNanos == Long.MAX_VALUE) {
                return events.take();
            }
            return events.poll(Math.max(0, deadlineNanos - clock.nanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for batch " + inFlight.peekFirst().id(), e);
        }
    }

    private void sleepUntil(long deadlineNanos) {
        long wait;
        while ((wait = deadlineNanos - clock.nanos()) > 0 && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(wait);
        }
    }

    @Override
    public final Clock clock() {
        return clock;
    }

    @Override
    public final Timeline timeline() {
        return timeline;
    }
}
