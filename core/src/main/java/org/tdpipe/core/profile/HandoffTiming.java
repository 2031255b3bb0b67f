package org.tdpipe.core.profile;

/**
 * One measured hand-off of a batch leaving a pipeline stage, the pipeline otherwise idle: from the
 * end of the stage's span to the start of the next stage's (the activations of {@code tokens}
 * tokens on the link between them), or, from the last stage, to the controller holding the result.
 *
 * @param fromStage the stage the batch leaves
 * @param tokens tokens of the batch
 * @param ms median time of the hand-off, milliseconds
 */
public record HandoffTiming(int fromStage, int tokens, double ms) {
    public HandoffTiming {
        if (fromStage < 0 || tokens < 1) {
            throw new IllegalArgumentException("inconsistent hand-off timing: stage " + fromStage + ", " + tokens + " tokens");
        }
        if (!(ms >= 0) || !Double.isFinite(ms)) {
            throw new IllegalArgumentException("hand-off time must be >= 0 ms, got " + ms);
        }
    }
}
