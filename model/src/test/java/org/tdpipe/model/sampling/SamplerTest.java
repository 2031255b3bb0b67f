package org.tdpipe.model.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;

class SamplerTest {
    private static final float[] LOGITS = {1.0f, 3.0f, 2.5f, 0.5f, 2.9f, -1f};

    private static SamplingParams params(double temperature, double topP, int topK, double minP, Long seed) {
        return new SamplingParams(100, temperature, topP, topK, minP, seed, 1, 0, 0, false, List.of(), List.of(), 0);
    }

    private static Request request(SamplingParams p, int... prompt) {
        return new Request(0, "r", prompt, p, 0);
    }

    private static int sample(Sampler s, SamplingParams p, int position) {
        return s.sample(LOGITS, 0, LOGITS.length, request(p, 0), position).token();
    }

    @Test
    void greedyTakesTheArgmax() {
        assertEquals(1, sample(new Sampler(0), SamplingParams.greedy(5), 1));
    }

    @Test
    void seededSamplingDependsOnlyOnSeedAndPosition() {
        SamplingParams p = params(1.0, 1.0, -1, 0, 1234L);
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
        SamplingParams repetition = new SamplingParams(5, 0, 1, -1, 0, null, 2.0, 0, 0, false, List.of(), List.of(), 0);
        // token 1 (3.0 → 1.5) is in the prompt, so 4 (2.9) wins
        assertEquals(4, new Sampler(0).sample(LOGITS, 0, LOGITS.length, request(repetition, 1), 1).token());
        SamplingParams presence = new SamplingParams(5, 0, 1, -1, 0, null, 1, 1.0, 0, false, List.of(), List.of(), 0);
        Request r = request(presence, 0);
        r.markRunning(0);
        r.appendToken(1, 0);
        // presence only counts generated tokens: 1 (3.0 → 2.0) loses to 4
        assertEquals(4, new Sampler(0).sample(LOGITS, 0, LOGITS.length, r, 2).token());
        assertEquals(1, new Sampler(0).sample(LOGITS, 0, LOGITS.length, request(presence, 1), 1).token());
    }

    @Test
    void reportsRawLogprobsOfTheTopTokens() {
        SamplingParams p = new SamplingParams(5, 0, 1, -1, 0, null, 1, 0, 0, false, List.of(), List.of(), 3);
        SampledToken t = new Sampler(0).sample(LOGITS, 0, LOGITS.length, request(p, 0), 1);
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
