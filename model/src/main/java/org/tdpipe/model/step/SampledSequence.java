package org.tdpipe.model.step;

/**
 * A sequence whose next token is being sampled, as the sampler needs it.
 *
 * @param seqId picks the default seed of a sequence without one
 * @param promptLength tokens of the prompt at the front of {@code context}
 * @param context the sequence's tokens so far (the token sampled is at position {@code context.length()}),
 *     which the penalties read
 */
public record SampledSequence(long seqId, SamplingSettings sampling, int promptLength, Ints context) {
    public int position() {
        return context.length();
    }
}
