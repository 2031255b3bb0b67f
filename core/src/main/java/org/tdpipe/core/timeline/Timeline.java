package org.tdpipe.core.timeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Records per-stage spans as executors run batches, and the engine's late launches
 * ({@link Starvation}); thread-safe for real stage workers.
 */
public final class Timeline {
    private final int numStages;
    private final List<Span> spans = new ArrayList<>();
    private final List<Starvation> starvations = new ArrayList<>();

    public Timeline(int numStages) {
        this.numStages = numStages;
    }

    public int numStages() {
        return numStages;
    }

    public synchronized void record(Span span) {
        if (span.stage() < 0 || span.stage() >= numStages) {
            throw new IllegalArgumentException("stage " + span.stage() + " outside 0.." + (numStages - 1));
        }
        spans.add(span);
    }

    /** The engine had a free slot and launched nothing until it launched {@code starvation.batchId()}. */
    public synchronized void recordStarvation(Starvation starvation) {
        starvations.add(starvation);
    }

    public synchronized List<Starvation> starvations() {
        return List.copyOf(starvations);
    }

    /** All spans, ordered by stage then start time. */
    public synchronized List<Span> spans() {
        List<Span> copy = new ArrayList<>(spans);
        copy.sort(Comparator.comparingInt(Span::stage).thenComparingLong(Span::startNanos));
        return copy;
    }

    public TimelineStats stats(long startNanos, long endNanos) {
        return TimelineStats.of(numStages, spans(), starvations(), startNanos, endNanos);
    }
}
