package org.tdpipe.core.profile;

/**
 * One measured hand-off of a batch to a pipeline stage, the pipeline otherwise idle: to stage 0,
 * from the controller launching it to the stage starting it; to a later stage, from the previous
 * stage's end to its start (the activations of {@code tokens} tokens on the link between them);
 * to {@code toStage} = the number of stages, from the last stage's end to the result at the controller.
 *
 * @param toStage the stage the batch is handed to (the number of stages: the controller)
 * @param tokens tokens of the batch
 * @param ms median time of the hand-off, milliseconds
 */
public record HandoffTiming(int toStage, int tokens, double ms) {
    public HandoffTiming {
        if (toStage < 0 || tokens < 1) {
            throw new IllegalArgumentException("inconsistent hand-off timing: to stage " + toStage + ", " + tokens + " tokens");
        }
        if (!(ms >= 0) || !Double.isFinite(ms)) {
            throw new IllegalArgumentException("hand-off time must be >= 0 ms, got " + ms);
        }
    }
}
