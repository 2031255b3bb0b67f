package org.tdpipe.model.step;

import java.util.Map;
import java.util.Objects;
import org.tdpipe.core.request.MinTokens;

/**
 * How a stage samples a sequence's tokens: the part of a request's sampling parameters that acts
 * on the logits (stop conditions and lengths stay with the controller).
 *
 * @param seed the sequence's sampling seed, or {@code null} for one derived from the stage's seed
 *     and the sequence id
 * @param logprobs number of top log-probabilities to return per token (0 = none)
 * @param logitBias added to a token's logit before anything else
 * @param minTokens the tokens that cannot be sampled before the sequence has that many outputs
 */
public record SamplingSettings(double temperature, double topP, int topK, double minP, Long seed,
        double repetitionPenalty, double presencePenalty, double frequencyPenalty, int logprobs,
        Map<Integer, Float> logitBias, MinTokens minTokens) {
    public static final SamplingSettings GREEDY = new SamplingSettings(0, 1, -1, 0, null, 1, 0, 0, 0);

    public SamplingSettings {
        logitBias = Map.copyOf(logitBias);
        Objects.requireNonNull(minTokens, "minTokens");
    }

    /** Settings without logit bias or minimum length. */
    public SamplingSettings(double temperature, double topP, int topK, double minP, Long seed, double repetitionPenalty,
            double presencePenalty, double frequencyPenalty, int logprobs) {
        this(temperature, topP, topK, minP, seed, repetitionPenalty, presencePenalty, frequencyPenalty, logprobs, Map.of(),
                MinTokens.NONE);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }

    public boolean hasPenalties() {
        return repetitionPenalty != 1 || presencePenalty != 0 || frequencyPenalty != 0;
    }
}
