package org.tdpipe.core.exec;

/**
 * What comes back to the controller when a batch leaves the last stage.
 *
 * @param tokens the sampled token for each sequence of the batch, in batch order ({@link #NO_TOKEN}
 *     for sequences that do not sample)
 * @param error non-null when the batch failed as a whole (e.g. a stage worker died): its requests
 *     finish with this error and the engine carries on with the others
 */
public record StepResult(StepBatch batch, int[] tokens, String error) {
    public static final int NO_TOKEN = -1;

    public StepResult {
        if (error == null && tokens.length != batch.seqs().size()) {
            throw new IllegalArgumentException("batch " + batch.id() + " has " + batch.seqs().size()
                    + " sequences but " + tokens.length + " tokens came back");
        }
    }

    public static StepResult ok(StepBatch batch, int[] tokens) {
        return new StepResult(batch, tokens, null);
    }

    public static StepResult failed(StepBatch batch, String error) {
        return new StepResult(batch, new int[0], error);
    }

    public boolean failed() {
        return error != null;
    }
}
