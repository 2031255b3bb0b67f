package org.tdpipe.model.step;

/**
 * How a stage samples a sequence's tokens: the part of a request's sampling parameters that acts
 * on the logits (stop conditions and lengths stay with the controller).
 *
 * @param seed the sequence's sampling seed, or {@code null} for one derived from the stage's seed
 *     and the sequence id
 * @param logprobs number of top log-probabilities to return per token (0 = none)
 */
public record SamplingSettings(double temperature, double topP, int topK, double minP, Long seed,
        double repetitionPenalty, double presencePenalty, double frequencyPenalty, int logprobs) {
    public static final SamplingSettings GREEDY = new SamplingSettings(0, 1, -1, 0, null, 1, 0, 0, 0);

    public boolean isGreedy() {
        return temperature == 0;
    }

    public boolean hasPenalties() {
        return repetitionPenalty != 1 || presencePenalty != 0 || frequencyPenalty != 0;
    }
}
