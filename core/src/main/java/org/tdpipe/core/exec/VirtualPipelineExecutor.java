package org.tdpipe.core.exec;

import java.util.ArrayDeque;
import java.util.Optional;
import org.tdpipe.core.timeline.Span;
import org.tdpipe.core.timeline.Timeline;

/**
 * An executor whose P stages are FIFO servers on virtual time (simulators and test fakes): a batch
 * enters stage 0 at {@code max(now + launch delay, stage 0 free)} and stage k+1 at {@code max(end on k + hop,
 * stage k+1 free)}, and completes a return delay after the last stage. Because every stage serves
 * batches in launch order, a batch's whole schedule — one {@link Span} per stage — is known when it is
 * launched, and batches complete in launch order; {@link #next} only moves the clock. Subclasses give
 * each batch's stage times ({@link #launch}) and the tokens it produces ({@link #complete}).
 */
public abstract class VirtualPipelineExecutor implements PipelineExecutor {
    /** How long a batch runs on one stage. */
    @FunctionalInterface
    protected interface StageDurations {
        long nanos(int stage);
    }

    private final int numStages;
    private final int maxInFlight;
    private final VirtualClock clock = new VirtualClock();
    private final Timeline timeline;
    private final long[] stageFreeAt;
    private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();

    private record Pending(StepBatch batch, long doneAt) {
    }

    /**
     * @param numStages pipeline stages P (1 for tensor parallelism: one logical stage)
     * @param maxInFlight batches in flight at most (P for a pipeline, 1 for tensor parallelism)
     */
    protected VirtualPipelineExecutor(int numStages, int maxInFlight) {
        if (numStages < 1) {
            throw new IllegalArgumentException("number of stages must be >= 1, got " + numStages);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("max batches in flight must be >= 1, got " + maxInFlight);
        }
        this.numStages = numStages;
        this.maxInFlight = maxInFlight;
        this.timeline = new Timeline(numStages);
        this.stageFreeAt = new long[numStages];
    }

    @Override
    public final int numStages() {
        return numStages;
    }

    @Override
    public final int maxInFlight() {
        return maxInFlight;
    }

    @Override
    public final int inFlight() {
        return inFlight.size();
    }

    /**
     * Schedules {@code batch} ({@code numTokens} tokens) through every stage from now; requires a free slot.
     *
     * @param launchNanos from now to the batch being ready for the first stage
     * @param hopNanos from the end of one stage to the batch being ready for the next
     * @param returnNanos from the end of the last stage to the batch's completion
     */
    protected final void launch(StepBatch batch, int numTokens, StageDurations durations, long launchNanos, long hopNanos,
            long returnNanos) {
        if (!hasFreeSlot()) {
            throw new IllegalStateException("no free slot for batch " + batch.id() + ": " + inFlight.size() + " of "
                    + maxInFlight + " in flight");
        }
        int last = numStages - 1;
        long ready = clock.nanos() + launchNanos;
        for (int s = 0; s <= last; s++) {
            long start = Math.max(ready, stageFreeAt[s]);
            long end = start + durations.nanos(s);
            timeline.record(new Span(s, batch.id(), batch.phase(), batch.seqs().size(), numTokens, start, end));
            stageFreeAt[s] = end;
            ready = end + (s < last ? hopNanos : returnNanos);
        }
        inFlight.addLast(new Pending(batch, ready));
    }

    /** The result of a batch that has gone through every stage. */
    protected abstract StepResult complete(StepBatch batch);

    @Override
    public final Optional<StepResult> next(long deadlineNanos) {
        Pending head = inFlight.peekFirst();
        if (head == null || head.doneAt() > deadlineNanos) {
            if (deadlineNanos != Long.MAX_VALUE) {
                clock.advanceTo(Math.max(clock.nanos(), deadlineNanos));
            }
            return Optional.empty();
        }
        inFlight.pollFirst();
        clock.advanceTo(Math.max(clock.nanos(), head.doneAt()));
        return Optional.of(complete(head.batch()));
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
