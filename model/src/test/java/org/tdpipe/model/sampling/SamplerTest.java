package org.tdpipe.model.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.exec.TokenLogprob;
import org.tdpipe.core.request.MinTokens;
import org.tdpipe.model.step.Ints;
import org.tdpipe.model.step.SampledSequence;
import org.tdpipe.model.step.SamplingSettings;
import org.tdpipe.model.step.TokenMask;

class SamplerTest {
    private static final float[] LOGITS = {1.0f, 3.0f, 2.5f, 0.5f, 2.9f, -1f};

    private static SamplingSettings params(double temperature, double topP, int topK, double minP, Long seed) {
        return new SamplingSettings(temperature, topP, topK, minP, seed, 1, 0, 0, 0);
    }

    /** Sequence 0 with a one-token prompt, {@code context} its tokens so far. */
    private static SampledSequence sequence(SamplingSettings p, int... context) {
        return new SampledSequence(0, p, 1, Ints.of(context));
    }

    private static int sample(Sampler s, SamplingSettings p, int position) {
        return s.sample(LOGITS, 0, LOGITS.length, sequence(p, new int[position])).token();
    }

    @Test
    void greedyTakesTheArgmax() {
        assertEquals(1, sample(new Sampler(0), SamplingSettings.GREEDY, 1));
    }

    @Test
    void seededSamplingDependsOnlyOnSeedAndPosition() {
        SamplingSettings p = params(1.0, 1.0, -1, 0, 1234L);
        for (int pos = 1; pos < 50; pos++) {
            assertEquals(sample(new Sampler(1), p, pos), sample(new Sampler(99), p, pos), "position " + pos);
        }
        Set<Integer> seen = new HashSet<>();
        for (int pos = 1; pos < 200; pos++) {
            seen.add(sample(new Sampler(1), p, pos));
        }
        assertTrue(seen.size() >= 4, "a temperature-1 draw should visit several tokens: " + seen);
    }

    @Test
    void topKOneAndTinyTopPAreGreedy() {
        for (int pos = 1; pos < 30; pos++) {
            assertEquals(1, sample(new Sampler(pos), params(1.5, 1.0, 1, 0, null), pos));
            assertEquals(1, sample(new Sampler(pos), params(1.5, 0.01, -1, 0, null), pos));
        }
    }

    @Test
    void topKAndMinPRestrictTheCandidates() {
        Set<Integer> topK = new HashSet<>();
        Set<Integer> minP = new HashSet<>();
        for (int pos = 1; pos < 300; pos++) {
            topK.add(sample(new Sampler(3), params(2.0, 1.0, 3, 0, null), pos));
            minP.add(sample(new Sampler(3), params(1.0, 1.0, -1, 0.5, null), pos));
        }
        assertEquals(Set.of(1, 4, 2), topK);
        // e^(2.5-3) = 0.61 and e^(2.9-3) = 0.90 pass min_p 0.5; e^(1-3) = 0.14 does not
        assertEquals(Set.of(1, 4, 2), minP);
    }

    @Test
    void penaltiesDemoteSeenTokens() {
        SamplingSettings repetition = new SamplingSettings(0, 1, -1, 0, null, 2.0, 0, 0, 0);
        // token 1 (3.0 → 1.5) is in the prompt, so 4 (2.9) wins
        assertEquals(4, new Sampler(0).sample(LOGITS, 0, LOGITS.length, sequence(repetition, 1)).token());
        SamplingSettings presence = new SamplingSettings(0, 1, -1, 0, null, 1, 1.0, 0, 0);
        // presence only counts generated tokens: 1 (3.0 → 2.0) loses to 4
        assertEquals(4, new Sampler(0).sample(LOGITS, 0, LOGITS.length, sequence(presence, 0, 1)).token());
        assertEquals(1, new Sampler(0).sample(LOGITS, 0, LOGITS.length, sequence(presence, 1)).token());
    }

    @Test
    void logitBiasShiftsTheChoiceButNotTheReportedLogprobs() {
        SamplingSettings p = new SamplingSettings(0, 1, -1, 0, null, 1, 0, 0, 1, Map.of(3, 5f, 1, -100f), MinTokens.NONE);
        SampledToken t = new Sampler(0).sample(LOGITS, 0, LOGITS.length, sequence(p, 0));
        assertEquals(3, t.token(), "0.5 + 5 beats every other logit, and 1 is pushed down by 100");
        assertEquals(1, t.topLogprobs().get(0).token(), "log-probabilities come from the raw logits");
        for (int pos = 1; pos < 100; pos++) {
            SamplingSettings sampled = new SamplingSettings(1, 1, -1, 0, 7L, 1, 0, 0, 0, Map.of(1, -100f), MinTokens.NONE);
            assertNotEquals(1, sample(new Sampler(0), sampled, pos), "position " + pos);
        }
    }

    @Test
    void minTokensBansItsTokensUntilEnoughOutputs() {
        SamplingSettings p = new SamplingSettings(0, 1, -1, 0, null, 1, 0, 0, 0, Map.of(), new MinTokens(2, Set.of(1, 4)));
        // prompt of one token: position 1 is output 0, position 2 output 1, position 3 output 2
        assertEquals(2, sample(new Sampler(0), p, 1));
        assertEquals(2, sample(new Sampler(0), p, 2));
        assertEquals(1, sample(new Sampler(0), p, 3));
    }

    @Test
    void aTokenMaskLimitsTheChoiceAndMinTokensNeverLeavesNothing() {
        BitSet three = new BitSet();
        three.set(3);
        three.set(4);
        SampledSequence masked = new SampledSequence(0, SamplingSettings.GREEDY, 1, Ints.of(new int[1]),
                Optional.of(TokenMask.of(three)));
        assertEquals(4, new Sampler(0).sample(LOGITS, 0, LOGITS.length, masked).token(), "the best allowed token");
        BitSet eosOnly = new BitSet();
        eosOnly.set(4);
        SamplingSettings banning = new SamplingSettings(0, 1, -1, 0, null, 1, 0, 0, 0, Map.of(), new MinTokens(5, Set.of(4)));
        SampledSequence complete = new SampledSequence(0, banning, 1, Ints.of(new int[1]), Optional.of(TokenMask.of(eosOnly)));
        assertEquals(4, new Sampler(0).sample(LOGITS, 0, LOGITS.length, complete).token(),
                "a finished document may end before min_tokens rather than sample a refused token");
    }

    @Test
    void reportsRawLogprobsOfTheTopTokens() {
        SamplingSettings p = new SamplingSettings(0, 1, -1, 0, null, 1, 0, 0, 3);
        SampledToken t = new Sampler(0).sample(LOGITS, 0, LOGITS.length, sequence(p, 0));
        double z = 0;
        for (float l : LOGITS) {
            z += Math.exp(l);
        }
        assertEquals(3.0 - Math.log(z), t.logprob(), 1e-5);
        assertEquals(List.of(1, 4, 2), t.topLogprobs().stream().map(TokenLogprob::token).toList());
        assertEquals(2.5 - Math.log(z), t.topLogprobs().get(2).logprob(), 1e-5);
    }

    @Test
    void differentSeedsGiveDifferentStreams() {
        int same = 0;
        for (int pos = 1; pos < 100; pos++) {
            if (sample(new Sampler(0), params(3.0, 1.0, -1, 0, 1L), pos) == sample(new Sampler(0), params(3.0, 1.0, -1, 0, 2L), pos)) {
                same++;
            }
        }
        assertNotEquals(99, same);
    }
}
