package org.tdpipe.core.exec;

import java.util.ArrayDeque;
import java.util.Optional;
import org.tdpipe.core.timeline.Span;
import org.tdpipe.core.timeline.Timeline;

/**
 * P pipeline stages as FIFO servers on virtual time, for executors that simulate execution: a batch
 * enters stage 0 at {@code max(now, stage 0 free)} and stage k+1 at {@code max(end on k + hop,
 * stage k+1 free)}, and completes a return delay after the last stage. Because every stage serves
 * batches in launch order, a batch's whole schedule — one {@link Span} per stage on the
 * {@link Timeline} — is known when it is launched, and batches complete in launch order;
 * {@link #nextDone} only moves the clock.
 */
public final class VirtualFifoPipeline {
    /** How long a batch runs on one stage. */
    @FunctionalInterface
    public interface StageDurations {
        long nanos(int stage);
    }

    private final VirtualClock clock = new VirtualClock();
    private final Timeline timeline;
    private final long[] stageFreeAt;
    private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();

    private record Pending(StepBatch batch, long doneAt) {
    }

    public VirtualFifoPipeline(int numStages) {
        this.timeline = new Timeline(numStages);
        this.stageFreeAt = new long[numStages];
    }

    /**
     * Schedules {@code batch} ({@code numTokens} tokens) through every stage, from now.
     *
     * @param hopNanos from the end of one stage to the batch being ready for the next
     * @param returnNanos from the end of the last stage to the batch's completion
     */
    public void launch(StepBatch batch, int numTokens, StageDurations durations, long hopNanos, long returnNanos) {
        int last = stageFreeAt.length - 1;
        long ready = clock.nanos();
        for (int s = 0; s <= last; s++) {
            long start = Math.max(ready, stageFreeAt[s]);
            long end = start + durations.nanos(s);
            timeline.record(new Span(s, batch.id(), batch.phase(), batch.seqs().size(), numTokens, start, end));
            stageFreeAt[s] = end;
            ready = end + (s < last ? hopNanos : returnNanos);
        }
        inFlight.addLast(new Pending(batch, ready));
    }

    /**
     * The oldest batch in flight if it completes by {@code deadlineNanos}, the clock moved to its
     * completion; otherwise empty, the clock moved to a finite deadline.
     */
    public Optional<StepBatch> nextDone(long deadlineNanos) {
        Pending head = inFlight.peekFirst();
        if (head == null || head.doneAt() > deadlineNanos) {
            if (deadlineNanos != Long.MAX_VALUE) {
                clock.advanceTo(Math.max(clock.nanos(), deadlineNanos));
            }
            return Optional.empty();
        }
        inFlight.pollFirst();
        clock.advanceTo(Math.max(clock.nanos(), head.doneAt()));
        return Optional.of(head.batch());
    }

    /** Batches launched and not yet returned by {@link #nextDone}. */
    public int inFlight() {
        return inFlight.size();
    }

    public VirtualClock clock() {
        return clock;
    }

    public Timeline timeline() {
        return timeline;
    }
}
