package org.tdpipe.core.profile;

import org.tdpipe.core.exec.Phase;

/**
 * One measured batch on one pipeline stage: what it fed and how long the stage took, with every
 * stage busy (as in a full pipeline) and alone (no other stage running: on a machine whose stages
 * share cores and memory bandwidth, a stage is faster while the others idle).
 *
 * @param stage pipeline stage index
 * @param phase {@link Phase#PREFILL} (prompts from an empty cache) or {@link Phase#DECODE} (one
 *     token per sequence at a given context)
 * @param tokens new tokens fed
 * @param sampled sequences that sampled a token (rows of the LM head)
 * @param attentionPairs (query, key) pairs attention computed, summed over the sequences
 * @param ms the stage's time for the batch while every stage runs a copy of it, milliseconds
 * @param aloneMs the stage's time for the batch while no other stage runs, milliseconds
 */
public record StageTiming(int stage, Phase phase, int tokens, int sampled, long attentionPairs, double ms, double aloneMs) {
    public StageTiming {
        if (stage < 0 || tokens < 1 || sampled < 0 || sampled > tokens || attentionPairs < tokens) {
            throw new IllegalArgumentException("inconsistent stage timing: stage " + stage + ", " + tokens + " tokens, "
                    + sampled + " sampled, " + attentionPairs + " attention pairs");
        }
        if (phase == Phase.MIXED) {
            throw new IllegalArgumentException("stage timings are measured on prefill or decode batches, not " + phase);
        }
        if (!(ms > 0) || !Double.isFinite(ms) || !(aloneMs > 0) || !Double.isFinite(aloneMs)) {
            throw new IllegalArgumentException("stage time must be a positive number of ms, got " + ms + " (alone " + aloneMs + ")");
        }
    }

    /** A timing measured only with every stage busy (a table without the alone column): alone it is taken as the same. */
    public StageTiming(int stage, Phase phase, int tokens, int sampled, long attentionPairs, double ms) {
        this(stage, phase, tokens, sampled, attentionPairs, ms, ms);
    }
}
