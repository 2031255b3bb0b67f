package org.tdpipe.core.predict.learned;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns a {@link LengthQuery} into a sparse feature vector. Dense features: a bias, the log prompt
 * length, a one-hot power-of-two prompt-length bucket, whether {@code max_tokens} is known and its
 * log, the temperature and whether decoding is greedy. With {@code hashBits > 0} and prompt text,
 * word unigrams and bigrams are hashed into {@code 2^hashBits} further features, each weighted
 * {@code 1/sqrt(n)} for n n-grams so long prompts do not dominate.
 */
public record FeatureEncoder(int hashBits) {
    private static final int BIAS = 0;
    private static final int LOG_PROMPT = 1;
    private static final int PROMPT_BUCKET = 2;
    private static final int PROMPT_BUCKETS = 16;
    private static final int MAX_TOKENS_KNOWN = PROMPT_BUCKET + PROMPT_BUCKETS;
    private static final int LOG_MAX_TOKENS = MAX_TOKENS_KNOWN + 1;
    private static final int TEMPERATURE = LOG_MAX_TOKENS + 1;
    private static final int GREEDY = TEMPERATURE + 1;
    static final int DENSE = GREEDY + 1;
    /** Scales log lengths to about [0, 1] for lengths up to ~3000 tokens. */
    private static final double LOG_SCALE = 1 / 8.0;
    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    public FeatureEncoder {
        if (hashBits < 0 || hashBits > 24) {
            throw new IllegalArgumentException("hash bits must be in [0, 24], got " + hashBits);
        }
    }

    public int dimension() {
        return DENSE + (hashBits == 0 ? 0 : 1 << hashBits);
    }

    public SparseVector encode(LengthQuery q) {
        String[] words = hashBits == 0 || q.text() == null ? new String[0] : words(q.text());
        int ngrams = words.length == 0 ? 0 : 2 * words.length - 1;
        int dense = q.maxTokens() > 0 ? 7 : 5;
        int[] idx = new int[dense + ngrams];
        double[] val = new double[dense + ngrams];
        int n = 0;
        idx[n] = BIAS;
        val[n++] = 1;
        idx[n] = LOG_PROMPT;
        val[n++] = Math.log1p(q.promptTokens()) * LOG_SCALE;
        idx[n] = PROMPT_BUCKET + Math.min(PROMPT_BUCKETS - 1, 31 - Integer.numberOfLeadingZeros(q.promptTokens()));
        val[n++] = 1;
        if (q.maxTokens() > 0) {
            idx[n] = MAX_TOKENS_KNOWN;
            val[n++] = 1;
            idx[n] = LOG_MAX_TOKENS;
            val[n++] = Math.log1p(q.maxTokens()) * LOG_SCALE;
        }
        idx[n] = TEMPERATURE;
        val[n++] = q.temperature();
        idx[n] = GREEDY;
        val[n++] = q.temperature() == 0 ? 1 : 0;
        double weight = ngrams == 0 ? 0 : 1 / Math.sqrt(ngrams);
        for (int i = 0; i < words.length; i++) {
            idx[n] = hashed(words[i].hashCode());
            val[n++] = weight;
            if (i > 0) {
                idx[n] = hashed(31 * words[i - 1].hashCode() + words[i].hashCode() + 0x5bd1e995);
                val[n++] = weight;
            }
        }
        return new SparseVector(idx, val);
    }

    private int hashed(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return DENSE + (h & ((1 << hashBits) - 1));
    }

    private static String[] words(String text) {
        return Arrays.stream(NON_WORD.split(text.toLowerCase(Locale.ROOT)))
                .filter(w -> !w.isEmpty())
                .toArray(String[]::new);
    }
}
