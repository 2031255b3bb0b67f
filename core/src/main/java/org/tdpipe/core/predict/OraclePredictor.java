package org.tdpipe.core.predict;

import org.tdpipe.core.request.Request;

/**
 * Knows the true output length. In the benchmark protocol requests run with {@code ignore_eos} and
 * {@code max_tokens} equal to the trace's output length, so {@code max_tokens} is the truth.
 */
public final class OraclePredictor implements LengthPredictor {
    @Override
    public String name() {
        return "oracle";
    }

    @Override
    public int predictOutputLength(Request request) {
        return request.sampling().maxTokens();
    }
}
