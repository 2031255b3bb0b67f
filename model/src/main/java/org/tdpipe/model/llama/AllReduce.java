package org.tdpipe.model.llama;

/**
 * Sums a partial result over the tensor-parallel ranks of a stage: every rank calls {@link #sum}
 * with its partial, and each gets back the same total, bit for bit (the partials are added in rank
 * order on every rank), so the ranks' residual streams never drift apart.
 */
public interface AllReduce {
    /** The only rank of an unsplit stage: nothing to add. */
    AllReduce NONE = (partial, length) -> {
    };

    /** Replaces {@code partial[0, length)} by the sum of every rank's partial. */
    void sum(float[] partial, int length);
}
