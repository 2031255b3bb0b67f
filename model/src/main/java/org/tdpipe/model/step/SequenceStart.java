package org.tdpipe.model.step;

import java.util.Objects;

/**
 * What a stage learns of a sequence when it starts, and keeps while it lives.
 *
 * @param externalId the request's own id, for error messages
 * @param promptLength tokens of the prompt (penalties tell prompt from output)
 * @param computed the tokens before the first one fed, whose KV the sequence's blocks already hold
 *     (vLLM's computed tokens of a new request); empty for a sequence starting at position 0, and
 *     only a profiler's probe, which times steps at a context it never computed, gives any
 */
public record SequenceStart(String externalId, int promptLength, SamplingSettings sampling, Ints computed) {
    public SequenceStart {
        Objects.requireNonNull(externalId, "externalId");
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(computed, "computed");
        if (promptLength < 1) {
            throw new IllegalArgumentException("request " + externalId + ": prompt length must be >= 1, got " + promptLength);
        }
    }
}
