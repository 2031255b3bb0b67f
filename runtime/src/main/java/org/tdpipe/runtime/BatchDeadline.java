package org.tdpipe.runtime;

import java.time.Duration;
import java.util.Optional;
import org.tdpipe.core.exec.StepBatch;

/**
 * How long the pipeline may owe the controller a batch before the batch is declared stuck (a stage
 * thread in an endless computation or a deadlock, while its process still answers heartbeats).
 * A batch is owed from when it was dispatched or the batch before it completed, whichever is
 * later. Either a fixed time, or derived from what was observed: {@code multiple} times the
 * slowest batch so far (or its per-token time scaled to this batch's tokens, if that is more),
 * never less than {@code floor} — which alone bounds the first batches.
 *
 * @param fixed the time allowed to every batch, when given
 */
public record BatchDeadline(Optional<Duration> fixed, Duration floor, double multiple) {
    /** Ten times the slowest batch seen, at least a minute: never fires in a healthy run. */
    public static final BatchDeadline AUTO = new BatchDeadline(Optional.empty(), Duration.ofMinutes(1), 10);

    public BatchDeadline {
        fixed.ifPresent(d -> requirePositive("batch timeout", d));
        requirePositive("batch timeout floor", floor);
        if (!(multiple >= 1)) {
            throw new IllegalArgumentException("batch timeout multiple must be >= 1, got " + multiple);
        }
    }

    /** The same {@code timeout} for every batch. */
    public static BatchDeadline fixed(Duration timeout) {
        return new BatchDeadline(Optional.of(timeout), timeout, 1);
    }

    private static void requirePositive(String what, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
    }

    /** Nanoseconds {@code batch} may be owed, given the step times observed so far. */
    public long limitNanos(StepBatch batch, StepTimes observed) {
        if (fixed.isPresent()) {
            return fixed.get().toNanos();
        }
        double expected = Math.max(observed.maxBatchNanos(), observed.maxNanosPerToken() * batch.numTokens());
        return (long) Math.max(floor.toNanos(), Math.min(multiple * expected, Long.MAX_VALUE / 2.0));
    }
}
