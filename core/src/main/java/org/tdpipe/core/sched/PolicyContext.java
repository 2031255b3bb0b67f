package org.tdpipe.core.sched;

import org.tdpipe.core.predict.LengthPredictor;
import org.tdpipe.core.profile.Profile;

/**
 * What every policy is built with.
 *
 * @param numStages pipeline depth P
 * @param numBlocks KV blocks available (the same numbering on every stage)
 * @param blockSize tokens per KV block
 * @param maxModelLen longest sequence (prompt + output) the model accepts
 * @param profile the policy's cost belief: full-model forward ms per batch token count (may be
 *     null for policies that plan without costs, the vLLM baselines)
 * @param predictor output-length predictor used by TD-Pipe's memory simulation
 */
public record PolicyContext(
        int numStages,
        int numBlocks,
        int blockSize,
        int maxModelLen,
        Profile profile,
        LengthPredictor predictor) {

    public PolicyContext {
        if (numStages < 1) {
            throw new IllegalArgumentException("number of stages must be >= 1, got " + numStages);
        }
        if (numBlocks < 1) {
            throw new IllegalArgumentException("KV cache must have at least one block, got " + numBlocks);
        }
    }
}
