package org.tdpipe.model.llama;

/**
 * What crosses a stage boundary: the residual stream of every token of a batch, row-major
 * {@code numTokens × dim}, rows in the batch's token order (see {@link BatchLayout}). Ownership
 * passes to the stage that receives it, which updates it in place.
 */
public record HiddenStates(int numTokens, int dim, float[] data) {
    public HiddenStates {
        if (data.length != numTokens * dim) {
            throw new IllegalArgumentException("hidden states of " + numTokens + " x " + dim + " need "
                    + numTokens * dim + " floats, got " + data.length);
        }
    }
}
