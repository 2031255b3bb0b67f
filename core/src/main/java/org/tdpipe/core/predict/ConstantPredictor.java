package org.tdpipe.core.predict;

import org.tdpipe.core.request.Request;

/**
 * Predicts the same length for every request, capped at its {@code max_tokens} unless it ignores
 * EOS (then {@code max_tokens} is its true length, which only the oracle may know).
 */
public final class ConstantPredictor implements LengthPredictor {
    private final int tokens;

    public ConstantPredictor(int tokens) {
        if (tokens < 1) {
            throw new IllegalArgumentException("constant prediction must be >= 1 token, got " + tokens);
        }
        this.tokens = tokens;
    }

    @Override
    public String name() {
        return "constant:" + tokens;
    }

    @Override
    public int predictOutputLength(Request request) {
        return request.sampling().ignoreEos() ? tokens : Math.min(tokens, request.sampling().maxTokens());
    }
}
