package org.tdpipe.model.sampling;

import java.util.HashMap;
import java.util.Map;
import org.tdpipe.model.step.Ints;
import org.tdpipe.model.step.SampledSequence;
import org.tdpipe.model.step.SamplingSettings;

/**
 * vLLM's penalties: the repetition penalty divides positive (multiplies negative) logits of every
 * token seen in the prompt or output; presence and frequency penalties subtract from the logits of
 * tokens generated so far ({@code presence · [count > 0] + frequency · count}).
 */
final class Penalties {
    private Penalties() {
    }

    /** Applies the penalties of {@code seq} to {@code logits[0, vocab)}, given its context so far. */
    static void apply(float[] logits, int vocab, SampledSequence seq) {
        SamplingSettings p = seq.sampling();
        Ints context = seq.context();
        if (p.repetitionPenalty() != 1) {
            boolean[] seen = new boolean[vocab];
            for (int i = 0; i < context.length(); i++) {
                int t = context.get(i);
                if (t >= 0 && t < vocab && !seen[t]) {
                    seen[t] = true;
                    float l = logits[t];
                    logits[t] = (float) (l > 0 ? l / p.repetitionPenalty() : l * p.repetitionPenalty());
                }
            }
        }
        if (p.presencePenalty() != 0 || p.frequencyPenalty() != 0) {
            Map<Integer, Integer> counts = new HashMap<>();
            for (int i = seq.promptLength(); i < context.length(); i++) {
                counts.merge(context.get(i), 1, Integer::sum);
            }
            for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
                int t = e.getKey();
                if (t >= 0 && t < vocab) {
                    logits[t] -= (float) (p.presencePenalty() + p.frequencyPenalty() * e.getValue());
                }
            }
        }
    }
}
