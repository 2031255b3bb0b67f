package org.tdpipe.core.timeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Records per-stage spans as executors run batches, and the engine's late launches
 * ({@link Starvation}); thread-safe for real stage workers.
 *
 * <p>A timeline keeps everything it records (offline runs, charts, traces) unless a long-running
 * server bounds it with {@link #retainOnlyLast}.
 */
public final class Timeline {
    /** {@link #retentionNanos()} of a timeline that keeps everything. */
    public static final long KEEP_ALL = Long.MAX_VALUE;
    /** A bounded timeline holds at least this many records before it first compacts. */
    private static final int MIN_COMPACTION_SIZE = 1024;

    private final int numStages;
    private final List<Span> spans = new ArrayList<>();
    private final List<Starvation> starvations = new ArrayList<>();
    private long retentionNanos = KEEP_ALL;
    /** The latest span end or launch recorded: the "now" that retention counts back from. */
    private long latestNanos = Long.MIN_VALUE;
    /** Batches with ids up to this one were dropped whole; a late span of one of them is not kept. */
    private long droppedThroughBatch = Long.MIN_VALUE;
    private int compactAtSize = MIN_COMPACTION_SIZE;
    private Span lastRecorded;

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
        if (span.batchId() <= droppedThroughBatch) {
            return;
        }
        spans.add(span);
        lastRecorded = span;
        advanceTo(span.endNanos());
    }

    /** The span kept most recently, without copying the timeline. */
    public synchronized Optional<Span> lastRecorded() {
        return Optional.ofNullable(lastRecorded);
    }

    /** The engine had a free slot and launched nothing until it launched {@code starvation.batchId()}. */
    public synchronized void recordStarvation(Starvation starvation) {
        starvations.add(starvation);
        advanceTo(starvation.launchNanos());
    }

    /**
     * Bounds memory for a server that runs for days: from now on the timeline keeps only the
     * batches with a span that ended within {@code horizonNanos} of the latest time recorded
     * (a span's end or a launch), and their starvations. Batches are dropped whole, oldest first,
     * so that {@link #stats} over a window inside the horizon has the same utilization and bubble
     * ratio as with everything kept; the split by cause judges the oldest kept batches without the
     * runs before them. The one loss: a span recorded after every other span of its batch had
     * fallen out of the horizon (one stage busy for longer than the horizon) is not kept.
     */
    public synchronized void retainOnlyLast(long horizonNanos) {
        if (horizonNanos <= 0) {
            throw new IllegalArgumentException("timeline retention must be > 0 ns, got " + horizonNanos);
        }
        retentionNanos = horizonNanos;
        compact();
    }

    /** How far back the timeline keeps batches; {@link #KEEP_ALL} unless {@link #retainOnlyLast} was called. */
    public synchronized long retentionNanos() {
        return retentionNanos;
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

    private void advanceTo(long nanos) {
        latestNanos = Math.max(latestNanos, nanos);
        if (retentionNanos != KEEP_ALL && spans.size() + starvations.size() >= compactAtSize) {
            compact();
        }
    }

    /**
     * Drops, in id (= launch) order, the batches none of whose spans ended at or after the cutoff.
     * Runs when the records doubled since the last compaction, so recording stays amortized O(1)
     * and memory at most about twice what the horizon holds.
     */
    private void compact() {
        if (latestNanos == Long.MIN_VALUE) {
            return;
        }
        long cutoff = latestNanos >= Long.MIN_VALUE + retentionNanos ? latestNanos - retentionNanos : Long.MIN_VALUE;
        long oldestLive = Long.MAX_VALUE;
        long newest = Long.MIN_VALUE;
        for (Span s : spans) {
            newest = Math.max(newest, s.batchId());
            if (s.endNanos() >= cutoff) {
                oldestLive = Math.min(oldestLive, s.batchId());
            }
        }
        long dropThrough = oldestLive == Long.MAX_VALUE ? newest : oldestLive - 1;
        if (dropThrough > droppedThroughBatch) {
            droppedThroughBatch = dropThrough;
            spans.removeIf(s -> s.batchId() <= dropThrough);
            starvations.removeIf(s -> s.batchId() <= dropThrough);
        }
        compactAtSize = Math.max(MIN_COMPACTION_SIZE, 2 * (spans.size() + starvations.size()));
    }
}
