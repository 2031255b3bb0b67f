package org.tdpipe.model.step;

import java.util.Objects;

/**
 * A step's request to score the prompt tokens it feeds (vLLM's {@code prompt_logprobs}): fed token
 * {@code i}'s logits score {@code targets.get(i)}, the prompt token after it, with the {@code top}
 * most likely tokens beside it. Covers the fed tokens that have a prompt token after them.
 */
public record PromptScoring(int top, Ints targets) {
    public PromptScoring {
        Objects.requireNonNull(targets, "targets");
        if (top < 0 || targets.isEmpty()) {
            throw new IllegalArgumentException("prompt scoring needs top >= 0 and at least one target, got " + top + " and "
                    + targets.length());
        }
    }
}
