package org.tdpipe.core.predict.learned;

import org.tdpipe.core.request.Request;

/**
 * What the length predictor knows about a request when it arrives.
 *
 * @param promptTokens prompt length in tokens
 * @param text the prompt text, or {@code null} when only lengths are known (traces, the engine)
 * @param maxTokens the request's {@code max_tokens}, or 0 when unknown
 * @param temperature sampling temperature (0 = greedy)
 */
public record LengthQuery(int promptTokens, String text, int maxTokens, double temperature) {
    public LengthQuery {
        if (promptTokens < 1) {
            throw new IllegalArgumentException("prompt must have at least 1 token, got " + promptTokens);
        }
        if (maxTokens < 0) {
            throw new IllegalArgumentException("max_tokens must be >= 0 (0 = unknown), got " + maxTokens);
        }
    }

    public static LengthQuery lengthOnly(int promptTokens) {
        return new LengthQuery(promptTokens, null, 0, 1.0);
    }

    /**
     * What is known of {@code request}. With {@code ignore_eos} its {@code max_tokens} is left
     * unknown: such a request generates exactly {@code max_tokens}, and the benchmark protocol uses
     * it to replay a trace's lengths, so reading it would make any predictor the oracle.
     */
    public static LengthQuery of(Request request) {
        int maxTokens = request.sampling().ignoreEos() ? 0 : request.sampling().maxTokens();
        return new LengthQuery(request.promptLength(), null, maxTokens, request.sampling().temperature());
    }
}
