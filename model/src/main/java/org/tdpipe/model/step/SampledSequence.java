package org.tdpipe.model.step;

import java.util.Optional;

/**
 * A sequence whose next token is being sampled, as the sampler needs it.
 *
 * @param seqId picks the default seed of a sequence without one
 * @param promptLength tokens of the prompt at the front of {@code context}
 * @param context the sequence's tokens so far (the token sampled is at position {@code context.length()}),
 *     which the penalties read
 * @param allowed the tokens it may sample (structured output), if restricted
 */
public record SampledSequence(long seqId, SamplingSettings sampling, int promptLength, Ints context, Optional<TokenMask> allowed) {
    /** A sequence that may sample any token. */
    public SampledSequence(long seqId, SamplingSettings sampling, int promptLength, Ints context) {
        this(seqId, sampling, promptLength, context, Optional.empty());
    }

    public int position() {
        return context.length();
    }
}
