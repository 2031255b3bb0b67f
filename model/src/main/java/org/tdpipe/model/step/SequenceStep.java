package org.tdpipe.model.step;

import java.util.Objects;
import java.util.Optional;

/**
 * One sequence's share of a step: feed {@code tokens} at positions {@code [start, start +
 * tokens.length())}, their KV going to the sequence's blocks, and, if {@code samples}, sample the
 * next token from the last one's logits.
 *
 * @param seqId the sequence (request) id
 * @param newBlocks KV block ids appended to the sequence's block table since its previous step
 *     (its whole table when it starts)
 * @param begins what does not change while the sequence lives; present exactly when it (re)starts
 *     at this step, at position 0 or after the tokens it declares computed
 * @param allowed the tokens it may sample at this step (structured output), when it samples
 * @param scoring the prompt tokens its fed tokens score (prompt log-probabilities), if asked
 */
public record SequenceStep(long seqId, int start, Ints tokens, Ints newBlocks, boolean samples, Optional<SequenceStart> begins,
        Optional<TokenMask> allowed, Optional<PromptScoring> scoring) {
    public SequenceStep {
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(allowed, "allowed");
        Objects.requireNonNull(scoring, "scoring");
        if (scoring.isPresent() && scoring.get().targets().length() > tokens.length()) {
            throw new IllegalArgumentException("request id " + seqId + ": " + scoring.get().targets().length()
                    + " prompt tokens to score but " + tokens.length() + " fed");
        }
        Objects.requireNonNull(newBlocks, "newBlocks");
        Objects.requireNonNull(begins, "begins");
        if (start < 0 || tokens.isEmpty()) {
            throw new IllegalArgumentException("request id " + seqId + ": bad slice [" + start + ", +" + tokens.length() + ")");
        }
        if (begins.isEmpty() && start == 0) {
            throw new IllegalArgumentException("request id " + seqId + ": a sequence starting at position 0 needs its prompt"
                    + " length and sampling");
        }
        if (begins.isPresent() && begins.get().computed().length() != start) {
            throw new IllegalArgumentException("request id " + seqId + " starts at position " + start + " but declares "
                    + begins.get().computed().length() + " tokens computed");
        }
    }

    /** A step without a token mask or prompt scoring. */
    public SequenceStep(long seqId, int start, Ints tokens, Ints newBlocks, boolean samples, Optional<SequenceStart> begins) {
        this(seqId, start, tokens, newBlocks, samples, begins, Optional.empty(), Optional.empty());
    }
}
