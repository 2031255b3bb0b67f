package org.tdpipe.runtime;

import java.util.ArrayDeque;
import java.util.List;
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
import org.tdpipe.core.request.Request;
import org.tdpipe.core.timeline.Timeline;
import org.tdpipe.model.step.StepInput;

/**
 * The controller's side of a real pipeline of P stages whose batches complete on other threads
 * (stage workers in this JVM or in other processes): up to P batches in flight, {@link #submit}
 * turns the batch into the plain {@link StepInput} every stage gets ({@link StepEncoder}),
 * dispatches it and returns, and what the stages report arrives as events on a queue that
 * {@link #next} waits on with the engine's deadline. Batches complete in launch order.
 *
 * <p>The pipeline breaks when a worker dies or is lost, or when a batch is owed longer than its
 * {@link BatchDeadline} (a stuck stage). Every batch in flight then fails with the reason, and so
 * does every later one — unless the {@link WorkerFailurePolicy} waits: then the batches in flight
 * come back {@linkplain StepResult#lost lost} (the engine recomputes their requests and every
 * other request whose KV cache the stages held), the subclass {@linkplain #reconnect reconnects},
 * and batches launched meanwhile wait for it. A batch that continues a sequence whose KV cache was
 * lost fails ({@link #refuse}). No request waits forever: when the workers are not back in time,
 * every waiting batch fails. Used from one controller thread; events may be posted from any thread.
 *
 * @param <E> what the stages report
 */
public abstract class AsyncPipelineExecutor<E> implements PipelineExecutor {
    private final Clock clock = new WallClock();
    private final Timeline timeline;
    private final int numStages;
    private final BatchDeadline deadline;
    private final WorkerFailurePolicy onFailure;
    private final StepTimes stepTimes = new StepTimes();
    private final BlockingQueue<E> events = new LinkedBlockingQueue<>();
    /** Launched batches not yet returned by {@link #next}, in launch order (= completion order). */
    private final ArrayDeque<Launched> inFlight = new ArrayDeque<>();
    private StepEncoder encoder = new StepEncoder();
    private long lastCompletionNanos;
    private State state = State.RUNNING;
    /** Why the pipeline broke (the latest time, while waiting for the workers). */
    private String brokenReason;
    private long brokenSinceNanos;

    private enum State {
        RUNNING,
        /** Broken; reconnecting to the workers while batches that can run on the new pipeline wait. */
        WAITING_FOR_WORKERS,
        /** Broken for good: every batch fails. */
        SHUT_DOWN
    }

    /** A batch launched by the engine: dispatched to the stages, waiting for them, or already failed. */
    private static final class Launched {
        final StepBatch batch;
        long dispatchedNanos = -1;
        String failure;
        /** The failure broke a pipeline that is coming back: the batch's requests are recomputed. */
        boolean lost;

        Launched(StepBatch batch) {
            this.batch = batch;
        }

        boolean dispatched() {
            return dispatchedNanos >= 0;
        }
    }

    protected AsyncPipelineExecutor(int numStages, BatchDeadline deadline, WorkerFailurePolicy onFailure) {
        if (numStages < 1) {
            throw new IllegalArgumentException("a pipeline needs at least one stage");
        }
        this.numStages = numStages;
        this.deadline = deadline;
        this.onFailure = onFailure;
        this.timeline = new Timeline(numStages);
    }

    /** Sends the step to every stage; called only while the pipeline is whole. */
    protected abstract void dispatch(StepInput step);

    /** The result of {@code head}, the oldest batch in flight, given the next event. */
    protected abstract StepResult complete(StepBatch head, E event);

    /** Where a batch that is owed too long is held up, e.g. "stage 1 (layers 2..3) has not finished it". */
    protected abstract String whereIs(StepBatch batch);

    /**
     * Why {@code batch} cannot run on the pipeline as it is now (it continues a sequence whose KV
     * cache was lost when the pipeline broke), or empty.
     */
    protected Optional<String> refuse(StepBatch batch) {
        return Optional.empty();
    }

    /** An event of a pipeline that has since broken, to be ignored. */
    protected boolean isStale(E event) {
        return false;
    }

    /**
     * The pipeline broke for {@code reason}: stop using the workers (their late events must now be
     * {@linkplain #isStale stale}); returns the requests whose state they held ({@link #heldByStages}),
     * now lost, when a later batch could otherwise mix them with requests that can still run.
     */
    protected List<Request> disconnect(String reason) {
        return List.of();
    }

    /** Whether the stages hold the state of {@code request} (since the pipeline last broke). */
    protected final boolean holdsState(Request request) {
        return encoder.holds(request);
    }

    /** Every request whose state the stages hold. */
    protected final List<Request> heldByStages() {
        return encoder.held();
    }

    /**
     * Connects to the workers again with empty KV caches; called on the controller thread while
     * batches wait for them.
     *
     * @throws RuntimeException naming the worker when one is not back yet
     */
    protected void reconnect() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot reconnect its workers");
    }

    /** Queues an event for the controller thread (from any thread). */
    protected final void post(E event) {
        events.add(event);
    }

    /**
     * Marks the pipeline broken and fails {@code head} and every other batch in flight with the
     * reason; then it shuts down, or waits for the workers, as the failure policy says. Waiting,
     * the batches come back {@linkplain StepResult#lost lost} rather than failed.
     */
    protected final StepResult breakDown(StepBatch head, String reason) {
        brokenReason = reason;
        brokenSinceNanos = clock.nanos();
        boolean waits = onFailure.waits();
        for (Launched l : inFlight) {
            l.failure = reason;
            l.lost = waits;
        }
        List<Request> lost = disconnect(reason);
        encoder = new StepEncoder();
        state = waits ? State.WAITING_FOR_WORKERS : State.SHUT_DOWN;
        if (waits) {
            System.err.println("tdpipe: the pipeline broke (" + reason + "); " + lost.size()
                    + " requests lost their KV cache and are recomputed once the workers are back");
        }
        return waits ? StepResult.lost(head, reason, lost) : StepResult.failed(head, reason, lost);
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
        Launched launched = new Launched(batch);
        inFlight.addLast(launched);
        if (state == State.SHUT_DOWN) {
            launched.failure = brokenReason;
            return;
        }
        Optional<String> refused = refuse(batch);
        if (refused.isPresent()) {
            launched.failure = refused.get();
        } else if (state == State.RUNNING) {
            dispatch(launched);
        }
    }

    private void dispatch(Launched launched) {
        launched.dispatchedNanos = clock.nanos();
        dispatch(encoder.encode(launched.batch));
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
        while (true) {
            Launched head = inFlight.peekFirst();
            if (head.failure != null) {
                return Optional.of(completed(head, head.lost ? StepResult.lost(head.batch, head.failure, List.of())
                        : StepResult.failed(head.batch, head.failure)));
            }
            if (!head.dispatched()) {
                if (!awaitWorkers(deadlineNanos)) {
                    return Optional.empty();
                }
                continue;
            }
            long owedSince = Math.max(head.dispatchedNanos, lastCompletionNanos);
            long limit = deadline.limitNanos(head.batch, stepTimes);
            long batchDeadline = limit >= Long.MAX_VALUE - owedSince ? Long.MAX_VALUE : owedSince + limit;
            E event = await(Math.min(deadlineNanos, batchDeadline));
            if (event == null) {
                if (clock.nanos() < batchDeadline) {
                    return Optional.empty();
                }
                return Optional.of(completed(head, breakDown(head.batch, overdue(head.batch, limit))));
            }
            if (isStale(event)) {
                continue;
            }
            StepResult result = complete(head.batch, event);
            if (!result.failed()) {
                stepTimes.observe(head.batch, clock.nanos() - owedSince);
            }
            return Optional.of(completed(head, result));
        }
    }

    private StepResult completed(Launched head, StepResult result) {
        inFlight.removeFirstOccurrence(head);
        lastCompletionNanos = clock.nanos();
        return result;
    }

    private String overdue(StepBatch batch, long limitNanos) {
        return String.format("batch %d (%s, %d sequences, %d tokens) did not complete within %.1f s: %s", batch.id(),
                batch.phase(), batch.seqs().size(), batch.numTokens(), limitNanos / 1e9, whereIs(batch));
    }

    /**
     * Tries to reconnect until the workers are back (then dispatches the waiting batches and returns
     * true), the engine's deadline passes (false), or the failure policy gives up (the waiting
     * batches fail; true).
     */
    private boolean awaitWorkers(long deadlineNanos) {
        while (true) {
            try {
                reconnect();
                state = State.RUNNING;
                System.err.printf("tdpipe: the pipeline is back after %.2f s%n", (clock.nanos() - brokenSinceNanos) / 1e9);
                for (Launched l : inFlight) {
                    if (l.failure == null) {
                        dispatch(l);
                    }
                }
                return true;
            } catch (RuntimeException e) {
                long now = clock.nanos();
                if (now - brokenSinceNanos >= onFailure.giveUpAfter().toNanos()) {
                    shutDown(String.format("%s; the workers were not back within %.1f s (last try: %s)", brokenReason,
                            onFailure.giveUpAfter().toMillis() / 1e3, e.getMessage()));
                    return true;
                }
                long retry = Math.min(now + onFailure.retryInterval().toNanos(), deadlineNanos);
                sleepUntil(retry);
                if (retry == deadlineNanos) {
                    return false;
                }
            }
        }
    }

    private void shutDown(String reason) {
        state = State.SHUT_DOWN;
        brokenReason = reason;
        for (Launched l : inFlight) {
            if (l.failure == null) {
                l.failure = reason;
            }
        }
    }

    private E await(long deadlineNanos) {
        try {
            if (deadlineNanos == Long.MAX_VALUE) {
                return events.take();
            }
            return events.poll(Math.max(0, deadlineNanos - clock.nanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for batch " + inFlight.peekFirst().batch.id(), e);
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
