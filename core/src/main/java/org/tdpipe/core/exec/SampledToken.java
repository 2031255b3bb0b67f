package org.tdpipe.core.exec;

import java.util.List;

/**
 * A sampled token with its log-probability and the {@code logprobs} most likely tokens (both from
 * the model's raw distribution, before penalties and temperature, as vLLM reports them).
 */
public record SampledToken(int token, float logprob, List<TokenLogprob> topLogprobs) {
    public SampledToken {
        topLogprobs = List.copyOf(topLogprobs);
    }

    /** A token from an execution plane that computes no distribution (a simulator): its log-probability is NaN. */
    public static SampledToken withoutLogprobs(int token) {
        return new SampledToken(token, Float.NaN, List.of());
    }
}
