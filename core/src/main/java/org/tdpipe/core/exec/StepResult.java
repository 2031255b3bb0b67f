package org.tdpipe.core.exec;

import java.util.List;
import org.tdpipe.core.request.Request;

/**
 * What comes back to the controller when a batch leaves the last stage.
 *
 * @param tokens the sampled token for each sequence of the batch, in batch order ({@link #NO_TOKEN}
 *     for sequences that do not sample)
 * @param error non-null when the batch failed as a whole (e.g. a stage worker died): its requests
 *     finish with this error and the engine carries on with the others
 * @param lostWithIt requests outside this batch whose state on the pipeline was lost with it (the
 *     KV cache of a broken pipeline): those not in flight fail with the error at once, so that no
 *     later batch mixes them with requests that can still run
 */
public record StepResult(StepBatch batch, int[] tokens, String error, List<Request> lostWithIt) {
    public static final int NO_TOKEN = -1;

    public StepResult {
        if (error == null && tokens.length != batch.seqs().size()) {
            throw new IllegalArgumentException("batch " + batch.id() + " has " + batch.seqs().size()
                    + " sequences but " + tokens.length + " tokens came back");
        }
        if (error == null && !lostWithIt.isEmpty()) {
            throw new IllegalArgumentException("batch " + batch.id() + " succeeded: nothing was lost with it");
        }
        lostWithIt = List.copyOf(lostWithIt);
    }

    public static StepResult ok(StepBatch batch, int[] tokens) {
        return new StepResult(batch, tokens, null, List.of());
    }

    public static StepResult failed(StepBatch batch, String error) {
        return failed(batch, error, List.of());
    }

    public static StepResult failed(StepBatch batch, String error, List<Request> lostWithIt) {
        return new StepResult(batch, new int[0], error, lostWithIt);
    }

    public boolean failed() {
        return error != null;
    }
}
