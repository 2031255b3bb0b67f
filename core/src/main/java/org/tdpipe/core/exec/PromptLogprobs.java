package org.tdpipe.core.exec;

import java.util.List;

/**
 * How the model scored part of a request's prompt (vLLM's {@code prompt_logprobs}): {@code scores.get(i)}
 * is prompt token {@code firstPosition + i} with its log-probability given the tokens before it, and
 * the top ones at that position; {@code ranks.get(i)} is its rank there (1 for the most likely).
 */
public record PromptLogprobs(long requestId, int firstPosition, List<SampledToken> scores, List<Integer> ranks) {
    public PromptLogprobs {
        scores = List.copyOf(scores);
        ranks = List.copyOf(ranks);
        if (ranks.size() != scores.size()) {
            throw new IllegalArgumentException("request id " + requestId + ": " + scores.size() + " scores but " + ranks.size() + " ranks");
        }
        if (firstPosition < 1) {
            throw new IllegalArgumentException("request id " + requestId + ": the first prompt token has no score, got position "
                    + firstPosition);
        }
    }
}
