package org.tdpipe.core.request;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-request generation parameters, as vLLM's {@code SamplingParams}. Validated on construction so
 * a bad request fails alone with an {@link InvalidSamplingException} naming the field.
 *
 * @param seed per-request sampling seed, or {@code null} for engine-chosen randomness
 * @param logprobs number of top log-probabilities to return per token (0 = none)
 * @param logitBias added to a token's logit before sampling (OpenAI's {@code logit_bias}, each in [-100, 100])
 * @param minTokens outputs before which the request may not end ({@link MinTokens#NONE} for none)
 * @param grammar the grammar the output must follow (structured output), if any
 * @param promptLogprobs -1, or score every prompt token and report this many top log-probabilities
 *     at each prompt position (vLLM's {@code prompt_logprobs}, 0–20)
 */
public record SamplingParams(
        int maxTokens,
        double temperature,
        double topP,
        int topK,
        double minP,
        Long seed,
        double repetitionPenalty,
        double presencePenalty,
        double frequencyPenalty,
        boolean ignoreEos,
        List<Integer> stopTokenIds,
        List<String> stop,
        int logprobs,
        Map<Integer, Float> logitBias,
        MinTokens minTokens,
        Optional<OutputGrammar> grammar,
        int promptLogprobs) {

    public SamplingParams {
        require(maxTokens >= 1, "max_tokens", "must be >= 1, got " + maxTokens);
        require(temperature >= 0 && Double.isFinite(temperature), "temperature", "must be a finite number >= 0, got " + temperature);
        require(topP > 0 && topP <= 1, "top_p", "must be in (0, 1], got " + topP);
        require(topK >= -1 && topK != 0, "top_k", "must be -1 (disabled) or >= 1, got " + topK);
        require(minP >= 0 && minP <= 1, "min_p", "must be in [0, 1], got " + minP);
        require(repetitionPenalty > 0 && Double.isFinite(repetitionPenalty), "repetition_penalty", "must be > 0, got " + repetitionPenalty);
        require(Math.abs(presencePenalty) <= 2, "presence_penalty", "must be in [-2, 2], got " + presencePenalty);
        require(Math.abs(frequencyPenalty) <= 2, "frequency_penalty", "must be in [-2, 2], got " + frequencyPenalty);
        require(logprobs >= 0 && logprobs <= 20, "logprobs", "must be in [0, 20], got " + logprobs);
        stopTokenIds = List.copyOf(Objects.requireNonNullElse(stopTokenIds, List.of()));
        stop = List.copyOf(Objects.requireNonNullElse(stop, List.of()));
        logitBias = Map.copyOf(Objects.requireNonNullElse(logitBias, Map.of()));
        for (Map.Entry<Integer, Float> bias : logitBias.entrySet()) {
            float b = bias.getValue();
            require(b >= -100 && b <= 100, "logit_bias", "values must be in [-100, 100], got " + b + " for token " + bias.getKey());
        }
        minTokens = Objects.requireNonNullElse(minTokens, MinTokens.NONE);
        grammar = Objects.requireNonNullElse(grammar, Optional.empty());
        require(promptLogprobs >= -1 && promptLogprobs <= 20, "prompt_logprobs", "must be in [0, 20], got " + promptLogprobs);
        require(minTokens.count() <= maxTokens, "min_tokens", "must be <= max_tokens (" + maxTokens + "), got " + minTokens.count());
    }

    /** Parameters without logit bias or minimum length. */
    public SamplingParams(int maxTokens, double temperature, double topP, int topK, double minP, Long seed,
            double repetitionPenalty, double presencePenalty, double frequencyPenalty, boolean ignoreEos,
            List<Integer> stopTokenIds, List<String> stop, int logprobs) {
        this(maxTokens, temperature, topP, topK, minP, seed, repetitionPenalty, presencePenalty, frequencyPenalty, ignoreEos,
                stopTokenIds, stop, logprobs, Map.of(), MinTokens.NONE, Optional.empty(), -1);
    }

    /** Greedy decoding of up to {@code maxTokens} tokens, stopping at EOS. */
    public static SamplingParams greedy(int maxTokens) {
        return new SamplingParams(maxTokens, 0, 1, -1, 0, null, 1, 0, 0, false, List.of(), List.of(), 0);
    }

    /** The benchmark setting: exactly {@code maxTokens} tokens whatever is sampled (vLLM's ignore_eos). */
    public static SamplingParams fixedLength(int maxTokens) {
        return greedy(maxTokens).withIgnoreEos(true);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }

    /**
     * The parameters of choice {@code index} of a request asking for several completions of one
     * prompt (OpenAI's {@code n}): with a seed, choice i samples with seed + i, so that each choice
     * is a different but reproducible sample; without one, all choices draw fresh randomness.
     */
    public SamplingParams forChoice(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("choice index must be >= 0, got " + index);
        }
        if (seed == null || index == 0) {
            return this;
        }
        return new SamplingParams(maxTokens, temperature, topP, topK, minP, seed + index, repetitionPenalty,
                presencePenalty, frequencyPenalty, ignoreEos, stopTokenIds, stop, logprobs, logitBias, minTokens, grammar, promptLogprobs);
    }

    public SamplingParams withIgnoreEos(boolean value) {
        return new SamplingParams(maxTokens, temperature, topP, topK, minP, seed, repetitionPenalty,
                presencePenalty, frequencyPenalty, value, stopTokenIds, stop, logprobs, logitBias, minTokens, grammar, promptLogprobs);
    }

    public SamplingParams withMaxTokens(int value) {
        return new SamplingParams(value, temperature, topP, topK, minP, seed, repetitionPenalty,
                presencePenalty, frequencyPenalty, ignoreEos, stopTokenIds, stop, logprobs, logitBias, minTokens, grammar, promptLogprobs);
    }

    private static void require(boolean ok, String field, String message) {
        if (!ok) {
            throw new InvalidSamplingException(field, message);
        }
    }
}
