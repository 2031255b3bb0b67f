package org.tdpipe.model.sampling;

import java.util.HashMap;
import java.util.Map;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;

/**
 * vLLM's penalties: the repetition penalty divides positive (multiplies negative) logits of every
 * token seen in the prompt or output; presence and frequency penalties subtract from the logits of
 * tokens generated so far ({@code presence · [count > 0] + frequency · count}).
 */
final class Penalties {
    private Penalties() {
    }

    static boolean any(SamplingParams p) {
        return p.repetitionPenalty() != 1 || p.presencePenalty() != 0 || p.frequencyPenalty() != 0;
    }

    /** Applies the penalties to {@code logits[offset, offset + vocab)} for a context of {@code position} tokens. */
    static void apply(float[] logits, int offset, int vocab, Request request, int position) {
        SamplingParams p = request.sampling();
        if (p.repetitionPenalty() != 1) {
            boolean[] seen = new boolean[vocab];
            for (int i = 0; i < position; i++) {
                int t = request.token(i);
                if (t >= 0 && t < vocab && !seen[t]) {
                    seen[t] = true;
                    float l = logits[offset + t];
                    logits[offset + t] = (float) (l > 0 ? l / p.repetitionPenalty() : l * p.repetitionPenalty());
                }
            }
        }
        if (p.presencePenalty() != 0 || p.frequencyPenalty() != 0) {
            Map<Integer, Integer> counts = new HashMap<>();
            for (int i = request.promptLength(); i < position; i++) {
                counts.merge(request.token(i), 1, Integer::sum);
            }
            for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
                int t = e.getKey();
                if (t >= 0 && t < vocab) {
                    logits[offset + t] -= (float) (p.presencePenalty() + p.frequencyPenalty() * e.getValue());
                }
            }
        }
    }
}
