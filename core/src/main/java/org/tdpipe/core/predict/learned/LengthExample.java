package org.tdpipe.core.predict.learned;

/** A training or evaluation example: a request and the number of tokens it generated. */
public record LengthExample(LengthQuery query, int outputTokens) {
    public LengthExample {
        if (outputTokens < 1) {
            throw new IllegalArgumentException("output must have at least 1 token, got " + outputTokens);
        }
    }
}
