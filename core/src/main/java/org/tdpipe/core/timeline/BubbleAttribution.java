package org.tdpipe.core.timeline;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tdpipe.core.exec.Phase;

/**
 * Splits every idle interval of every stage over a window into {@link BubbleCause}s, so that the
 * causes sum exactly to the idle time {@code Σ_stages (makespan − busy)}.
 *
 * <p>The rules. Batches are put in launch order (their order on stage 0) and grouped into
 * <em>runs</em>: maximal sequences of consecutive launches of the same {@link Phase} (MIXED is a
 * phase of its own). A PREFILL run of at most {@code maxTopUpBatches} micro-batches with DECODE
 * runs on both sides is a <em>top-up</em>. Each idle gap of a stage is then charged as follows:
 * <ol>
 *   <li>before the stage's first span and after its last one: FILL_DRAIN;</li>
 *   <li>otherwise the gap is blamed on the batch that ends it (the one the stage was waiting for).
 *       If the engine recorded a {@link Starvation} for that batch, the last
 *       {@code min(gap, starvation delay)} of the gap is MEMORY when requests were waiting at the
 *       time (the policies gate admission on KV memory), else FILL_DRAIN (no work to launch: the
 *       tail of a run, or gaps between arrivals);</li>
 *   <li>the rest of the gap: if the batch is among the first P + 1 launches of its run (the batch
 *       that changed phase and one full round behind it) and the run is not the first, the phase
 *       change is to blame: TOP_UP_STALL when this run or the one before it is a top-up, else
 *       PHASE_SWITCH; later in a run it is BATCH_IMBALANCE (unequal micro-batches, closed-loop
 *       waits).</li>
 * </ol>
 * With pp-vllm's interleaved steps, a lone prefill step between decode steps is a top-up by the
 * same rule: it stalls the decode steps behind it just like TD-Pipe's top-up. Chunked-prefill
 * policies alternate DECODE and MIXED runs; those changes count as PHASE_SWITCH (a mixed batch
 * carries prefill work into the decode stream), never as top-ups.
 *
 * <p>Cost: O(spans) after the timeline's sort.
 */
public final class BubbleAttribution {
    /** TD-Pipe's top-up is a single prefill micro-batch (DESIGN §2.5). */
    public static final int DEFAULT_MAX_TOP_UP_BATCHES = 1;

    private final int numStages;
    private final int maxTopUpBatches;

    public BubbleAttribution(int numStages, int maxTopUpBatches) {
        if (numStages < 1) {
            throw new IllegalArgumentException("number of stages must be >= 1, got " + numStages);
        }
        if (maxTopUpBatches < 1) {
            throw new IllegalArgumentException("a top-up has at least 1 batch, got max " + maxTopUpBatches);
        }
        this.numStages = numStages;
        this.maxTopUpBatches = maxTopUpBatches;
    }

    /** Receives idle intervals, each non-empty and inside the window. */
    @FunctionalInterface
    public interface IdleSink {
        void idle(int stage, BubbleCause cause, long fromNanos, long toNanos);
    }

    /**
     * Idle nanoseconds per cause over {@code [startNanos, endNanos)}; every cause is present.
     *
     * @param spans every span of the timeline, ordered by stage then start time ({@link Timeline#spans()})
     * @param starvations the engine's late launches; those of batches without spans are ignored
     */
    public Map<BubbleCause, Long> idleNanos(List<Span> spans, List<Starvation> starvations, long startNanos, long endNanos) {
        Map<BubbleCause, Long> idle = new EnumMap<>(BubbleCause.class);
        for (BubbleCause c : BubbleCause.values()) {
            idle.put(c, 0L);
        }
        forEachIdle(spans, starvations, startNanos, endNanos,
                (stage, cause, from, to) -> idle.merge(cause, to - from, Long::sum));
        return idle;
    }

    /**
     * Hands every idle interval of every stage within {@code [startNanos, endNanos)}, with its
     * cause, to {@code sink}; parameters as for {@link #idleNanos}.
     */
    public void forEachIdle(List<Span> spans, List<Starvation> starvations, long startNanos, long endNanos, IdleSink sink) {
        if (endNanos <= startNanos) {
            return;
        }
        LaunchOrder order = LaunchOrder.of(spans);
        BubbleCause[] afterLaunch = causesByLaunch(order.phases);
        long[] starvedNanos = new long[order.phases.length];
        BubbleCause[] starvedCause = new BubbleCause[order.phases.length];
        for (Starvation s : starvations) {
            Integer i = order.indexOf.get(s.batchId());
            if (i != null) {
                starvedNanos[i] = s.delayNanos();
                starvedCause[i] = s.waitingRequests() > 0 ? BubbleCause.MEMORY : BubbleCause.FILL_DRAIN;
            }
        }
        int from = 0;
        for (int stage = 0; stage < numStages; stage++) {
            Charger charger = new Charger(sink, stage, startNanos, endNanos);
            long prevStart = Long.MIN_VALUE;
            long prevEnd = Long.MIN_VALUE;
            while (from < spans.size() && spans.get(from).stage() == stage) {
                Span span = spans.get(from++);
                if (span.startNanos() < prevStart) {
                    throw new IllegalArgumentException("spans of stage " + stage + " must be ordered by start time; found "
                            + span + " after a span starting at " + prevStart + " ns");
                }
                prevStart = span.startNanos();
                if (prevEnd == Long.MIN_VALUE) {
                    charger.add(BubbleCause.FILL_DRAIN, startNanos, span.startNanos());
                } else if (span.startNanos() > prevEnd) {
                    int i = order.index(span);
                    long starved = Math.min(span.startNanos() - prevEnd, starvedNanos[i]);
                    long split = span.startNanos() - starved;
                    charger.add(afterLaunch[i], prevEnd, split);
                    if (starved > 0) {
                        charger.add(starvedCause[i], split, span.startNanos());
                    }
                }
                prevEnd = Math.max(prevEnd, span.endNanos());
            }
            charger.add(BubbleCause.FILL_DRAIN, prevEnd == Long.MIN_VALUE ? startNanos : prevEnd, endNanos);
        }
        if (from != spans.size()) {
            throw new IllegalArgumentException("spans must be ordered by stage then start, within 0.." + (numStages - 1)
                    + "; found " + spans.get(from) + " after stage-ordered spans");
        }
    }

    /** The cause of a gap ended by each launch, from the phase runs (rule 3). */
    private BubbleCause[] causesByLaunch(Phase[] phases) {
        int n = phases.length;
        int[] runStart = new int[n + 1];
        int runs = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0 || phases[i] != phases[i - 1]) {
                runStart[runs++] = i;
            }
        }
        runStart[runs] = n;
        boolean[] topUp = new boolean[runs];
        for (int r = 1; r + 1 < runs; r++) {
            topUp[r] = phases[runStart[r]] == Phase.PREFILL
                    && runStart[r + 1] - runStart[r] <= maxTopUpBatches
                    && phases[runStart[r - 1]] == Phase.DECODE
                    && phases[runStart[r + 1]] == Phase.DECODE;
        }
        BubbleCause[] cause = new BubbleCause[n];
        for (int r = 0; r < runs; r++) {
            for (int i = runStart[r]; i < runStart[r + 1]; i++) {
                if (r == 0 || i - runStart[r] > numStages) {
                    cause[i] = BubbleCause.BATCH_IMBALANCE;
                } else {
                    cause[i] = topUp[r] || topUp[r - 1] ? BubbleCause.TOP_UP_STALL : BubbleCause.PHASE_SWITCH;
                }
            }
        }
        return cause;
    }

    /** Batches in launch order: stage 0 serves them in the order the engine launched them. */
    private record LaunchOrder(Phase[] phases, Map<Long, Integer> indexOf) {
        static LaunchOrder of(List<Span> spans) {
            int n = 0;
            while (n < spans.size() && spans.get(n).stage() == 0) {
                n++;
            }
            Phase[] phases = new Phase[n];
            Map<Long, Integer> indexOf = new HashMap<>(2 * n);
            for (int i = 0; i < n; i++) {
                Span s = spans.get(i);
                phases[i] = s.phase();
                if (indexOf.put(s.batchId(), i) != null) {
                    throw new IllegalArgumentException("batch " + s.batchId() + " has two spans on stage 0");
                }
            }
            return new LaunchOrder(phases, indexOf);
        }

        int index(Span span) {
            Integer i = indexOf.get(span.batchId());
            if (i == null) {
                throw new IllegalArgumentException("batch " + span.batchId() + " runs on stage " + span.stage()
                        + " but has no span on stage 0, so its launch order is unknown");
            }
            return i;
        }
    }

    /** Passes one stage's idle intervals, clipped to the window, to the sink. */
    private record Charger(IdleSink sink, int stage, long windowStart, long windowEnd) {
        void add(BubbleCause cause, long from, long to) {
            long a = Math.max(from, windowStart);
            long b = Math.min(to, windowEnd);
            if (b > a) {
                sink.idle(stage, cause, a, b);
            }
        }
    }
}
