package org.tdpipe.model.testing;

import java.util.Arrays;
import org.tdpipe.model.step.SamplingSettings;

/**
 * One sequence of a test, as an engine would hold it: prompt plus generated tokens, its KV block
 * table, and how much of both the stages were already sent.
 */
public final class TestSequence {
    final long id;
    final int promptLength;
    final SamplingSettings sampling;
    final int[] blocks;
    int blocksSent;
    private int[] tokens;
    private int numTokens;

    TestSequence(long id, int[] prompt, SamplingSettings sampling, int[] blocks) {
        this.id = id;
        this.promptLength = prompt.length;
        this.sampling = sampling;
        this.blocks = blocks.clone();
        this.tokens = prompt.clone();
        this.numTokens = prompt.length;
    }

    public long id() {
        return id;
    }

    /** Tokens {@code [from, to)} of prompt + output. */
    public int[] tokens(int from, int to) {
        return Arrays.copyOfRange(tokens, from, to);
    }

    public int numTokens() {
        return numTokens;
    }

    public int[] outputTokens() {
        return tokens(promptLength, numTokens);
    }

    public int promptLength() {
        return promptLength;
    }

    public int numOutputTokens() {
        return numTokens - promptLength;
    }

    public int[] blockTable() {
        return blocks.clone();
    }

    void append(int token) {
        if (numTokens == tokens.length) {
            tokens = Arrays.copyOf(tokens, tokens.length * 2);
        }
        tokens[numTokens++] = token;
    }
}
