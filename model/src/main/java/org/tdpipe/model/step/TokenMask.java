package org.tdpipe.model.step;

import java.util.Arrays;
import java.util.BitSet;

/** The tokens a sequence may sample at one step (structured output), as a bit per token id. */
public record TokenMask(long[] words) {
    public TokenMask {
        words = words.clone();
    }

    public static TokenMask of(BitSet allowed) {
        return new TokenMask(allowed.toLongArray());
    }

    public boolean allows(int token) {
        int word = token >>> 6;
        return word < words.length && (words[word] & (1L << token)) != 0;
    }

    /** Sets every disallowed logit of the first {@code vocab} to minus infinity. */
    public void apply(float[] logits, int vocab) {
        for (int t = 0; t < vocab; t++) {
            if (!allows(t)) {
                logits[t] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenMask m && Arrays.equals(words, m.words);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words);
    }

    @Override
    public String toString() {
        return "TokenMask[" + BitSet.valueOf(words).cardinality() + " tokens]";
    }
}
