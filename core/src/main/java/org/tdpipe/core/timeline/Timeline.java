package org.tdpipe.core.timeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Records per-stage spans as executors run batches; thread-safe for real stage workers. */
public final class Timeline {
    private final int numStages;
    private final List<Span> spans = new ArrayList<>();

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

    /** All spans, ordered by stage then start time. */
    public synchronized List<Span> spans() {
        List<Span> copy = new ArrayList<>(spans);
        copy.sort(Comparator.comparingInt(Span::stage).thenComparingLong(Span::startNanos));
        return copy;
    }

    public TimelineStats stats(long startNanos, long endNanos) {
        return TimelineStats.of(numStages, spans(), startNanos, endNanos);
    }
}
