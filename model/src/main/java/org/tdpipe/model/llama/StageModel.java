package org.tdpipe.model.llama;

import org.tdpipe.model.step.BatchLayout;

/**
 * What one pipeline stage of a Llama-family model computes: the embedding (first stage), its
 * layers over a batch, and the logits (last stage). A {@link LlamaStage} on one set of kernel
 * threads, or a {@link TensorParallelStage} of several ranks.
 */
public interface StageModel extends AutoCloseable {
    LayerRange range();

    /** First stage only: the token embeddings of the batch's rows. */
    HiddenStates embed(BatchLayout layout);

    /**
     * Runs the stage's layers over the batch, writing the KV of its tokens into the cache, and
     * returns the updated residual stream (the same array, updated in place).
     */
    HiddenStates forward(BatchLayout layout, HiddenStates input);

    /** Last stage only: logits ({@code rows.length × vocab}) of these rows after the final norm. */
    float[] logits(HiddenStates hidden, int[] rowsOfHidden);

    /** Last stage only: logits ({@code numTokens × vocab}) of every row, for parity checks against other engines. */
    float[] logitsOfEveryRow(HiddenStates hidden);

    /** Stops threads the stage model runs its ranks on (none for a single rank). */
    @Override
    default void close() {
    }
}
