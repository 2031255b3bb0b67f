package org.tdpipe.model.sampling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.exec.TokenLogprob;
import org.tdpipe.model.step.SampledSequence;
import org.tdpipe.model.step.SamplingSettings;
import org.tdpipe.model.tensor.Vectors;

/**
 * Picks the next token from a row of logits with a sequence's {@link SamplingSettings}: the token
 * mask of structured output, logit bias,
 * the min-tokens ban, penalties (vLLM V1's order), then greedy argmax (temperature 0) or temperature → min-p → top-k → top-p → a categorical draw.
 * The draw depends only on the sequence's seed and the position being sampled, never on the batch,
 * so seeded generation is reproducible whatever runs beside it. Sequences without a seed use one
 * derived from the sampler's seed and the sequence id. Log-probabilities are those of the raw logits.
 */
public final class Sampler {
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    private final long defaultSeed;

    public Sampler(long defaultSeed) {
        this.defaultSeed = defaultSeed;
    }

    /**
     * Samples token {@code seq.position()} of {@code seq} from {@code logits[offset, offset + vocab)};
     * the logits are not modified.
     */
    public SampledToken sample(float[] logits, int offset, int vocab, SampledSequence seq) {
        SamplingSettings p = seq.sampling();
        float[] work = Arrays.copyOfRange(logits, offset, offset + vocab);
        seq.allowed().ifPresent(mask -> mask.apply(work, vocab));
        biasAndBan(work, seq);
        if (p.hasPenalties()) {
            Penalties.apply(work, vocab, seq);
        }
        int token = p.isGreedy() ? argmax(work) : draw(work, p, random(seq));
        double logSumExp = logSumExp(logits, offset, vocab);
        List<TokenLogprob> top = topLogprobs(logits, offset, vocab, p.logprobs(), logSumExp);
        return new SampledToken(token, (float) (logits[offset + token] - logSumExp), top);
    }

    /**
     * How the model scores {@code target} at a position: its log-probability, the {@code top} most
     * likely tokens', and its rank (1 for the most likely), from {@code logits[offset, offset + vocab)}.
     */
    public static Score score(float[] logits, int offset, int vocab, int target, int top) {
        double logSumExp = logSumExp(logits, offset, vocab);
        float mine = logits[offset + target];
        int rank = 1;
        for (int t = 0; t < vocab; t++) {
            if (logits[offset + t] > mine) {
                rank++;
            }
        }
        return new Score(new SampledToken(target, (float) (mine - logSumExp), topLogprobs(logits, offset, vocab, top, logSumExp)), rank);
    }

    /** A prompt token's score: the token with its log-probabilities, and its rank. */
    public record Score(SampledToken token, int rank) {
    }

    /**
     * Adds the logit bias and rules out the tokens {@code min_tokens} bans at this position, unless
     * they are all that is left (a structured output that is complete allows only EOS).
     */
    private static void biasAndBan(float[] work, SampledSequence seq) {
        SamplingSettings p = seq.sampling();
        p.logitBias().forEach((token, bias) -> {
            if (token >= 0 && token < work.length) {
                work[token] += bias;
            }
        });
        int outputs = seq.position() - seq.promptLength();
        if (outputs >= p.minTokens().count()) {
            return;
        }
        List<Integer> banned = new ArrayList<>();
        for (int token : p.minTokens().bannedIds()) {
            if (token >= 0 && token < work.length && p.minTokens().bans(token, outputs) && work[token] != Float.NEGATIVE_INFINITY) {
                banned.add(token);
            }
        }
        if (banned.isEmpty() || !anyOtherFinite(work, banned)) {
            return;
        }
        for (int token : banned) {
            work[token] = Float.NEGATIVE_INFINITY;
        }
    }

    private static boolean anyOtherFinite(float[] work, List<Integer> banned) {
        int finite = 0;
        for (float v : work) {
            if (v != Float.NEGATIVE_INFINITY) {
                finite++;
                if (finite > banned.size()) {
                    return true;
                }
            }
        }
        return false;
    }

    private SplittableRandom random(SampledSequence seq) {
        long seed = seq.sampling().seed() != null
                ? seq.sampling().seed()
                : new SplittableRandom(defaultSeed ^ seq.seqId() * 0xBF58476D1CE4E5B9L).nextLong();
        return new SplittableRandom(seed + seq.position() * 0x9E3779B97F4A7C15L);
    }

    static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int draw(float[] logits, SamplingSettings p, SplittableRandom random) {
        int vocab = logits.length;
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] probs = new double[vocab];
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            probs[i] = Math.exp((logits[i] - max) / p.temperature());
            sum += probs[i];
        }
        // candidates sorted by probability, ties by lower token id: key = (prob bits, reversed id)
        long[] keys = new long[vocab];
        for (int i = 0; i < vocab; i++) {
            keys[i] = ((long) Float.floatToIntBits((float) (probs[i] / sum)) << 32) | (vocab - 1 - i);
        }
        Arrays.sort(keys);
        int limit = p.topK() > 0 ? Math.min(p.topK(), vocab) : vocab;
        double pMax = probs[id(keys[vocab - 1], vocab)] / sum;
        double kept = 0;
        int n = 0;
        while (n < limit) {
            int id = id(keys[vocab - 1 - n], vocab);
            double prob = probs[id] / sum;
            if (n > 0 && (prob < p.minP() * pMax || kept >= p.topP())) {
                break;
            }
            kept += prob;
            n++;
        }
        double u = random.nextDouble() * kept;
        double acc = 0;
        for (int j = 0; j < n; j++) {
            int id = id(keys[vocab - 1 - j], vocab);
            acc += probs[id] / sum;
            if (u < acc) {
                return id;
            }
        }
        return id(keys[vocab - n], vocab);
    }

    private static int id(long key, int vocab) {
        return vocab - 1 - (int) (key & 0xFFFFFFFFL);
    }

    private static double logSumExp(float[] logits, int offset, int vocab) {
        float max = Vectors.max(logits, offset, vocab);
        return max + Math.log(Vectors.expShifted(logits, offset, vocab, max, scratch(vocab), 0));
    }

    /** This thread's scratch row of at least {@code n} floats. */
    private static float[] scratch(int n) {
        float[] s = SCRATCH.get();
        if (s.length < n) {
            s = new float[n];
            SCRATCH.set(s);
        }
        return s;
    }

    private static List<TokenLogprob> topLogprobs(float[] logits, int offset, int vocab, int n, double logSumExp) {
        if (n == 0) {
            return List.of();
        }
        int[] best = new int[Math.min(n, vocab)];
        int size = 0;
        for (int i = 0; i < vocab; i++) {
            float l = logits[offset + i];
            if (size < best.length) {
                best[size++] = i;
            } else if (l <= logits[offset + best[size - 1]]) {
                continue;
            } else {
                best[size - 1] = i;
            }
            for (int j = size - 1; j > 0 && logits[offset + best[j]] > logits[offset + best[j - 1]]; j--) {
                int t = best[j];
                best[j] = best[j - 1];
                best[j - 1] = t;
            }
        }
        List<TokenLogprob> out = new ArrayList<>(size);
        for (int j = 0; j < size; j++) {
            out.add(new TokenLogprob(best[j], (float) (logits[offset + best[j]] - logSumExp)));
        }
        return out;
    }
}
