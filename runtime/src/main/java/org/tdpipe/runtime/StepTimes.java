package org.tdpipe.runtime;

import org.tdpipe.core.exec.StepBatch;

/** The slowest completed batches so far, as a whole and per fed token: what a {@link BatchDeadline} scales. */
public final class StepTimes {
    private long maxBatchNanos;
    private double maxNanosPerToken;

    /** {@code batch} took {@code nanos} from when it was owed to its completion. */
    public void observe(StepBatch batch, long nanos) {
        maxBatchNanos = Math.max(maxBatchNanos, nanos);
        maxNanosPerToken = Math.max(maxNanosPerToken, (double) nanos / batch.numTokens());
    }

    public long maxBatchNanos() {
        return maxBatchNanos;
    }

    public double maxNanosPerToken() {
        return maxNanosPerToken;
    }
}
