package org.tdpipe.core.exec;

import java.util.List;
import org.tdpipe.core.request.Request;

/**
 * What comes back to the controller when a batch leaves the last stage (vLLM's
 * {@code ModelRunnerOutput}).
 *
 * @param sampled the token sampled for each sequence of the batch that samples, in batch order,
 *     with its log-probabilities; empty when the batch failed
 * @param error non-null when the batch failed as a whole (e.g. a stage worker died): its requests
 *     finish with this error and the engine carries on with the others
 * @param lostWithIt requests outside this batch whose state on the pipeline was lost with it (the
 *     KV cache of a broken pipeline): those not in flight fail with the error at once, or are
 *     recomputed when {@code recoverable}, so that no later batch continues a sequence whose KV
 *     cache is gone
 * @param recoverable the batch failed because the pipeline broke, and the executor is bringing it
 *     back: its requests (and {@code lostWithIt}) are preempted by recompute instead of failing
 * @param promptLogprobs the prompt positions this batch scored, for the requests that asked
 */
public record StepResult(StepBatch batch, List<SampledToken> sampled, String error, List<Request> lostWithIt,
        boolean recoverable, List<PromptLogprobs> promptLogprobs) {
    public StepResult {
        sampled = List.copyOf(sampled);
        promptLogprobs = List.copyOf(promptLogprobs);
        if (error == null && sampled.size() != batch.numSampled()) {
            throw new IllegalArgumentException("batch " + batch.id() + " samples " + batch.numSampled()
                    + " sequences but " + sampled.size() + " tokens came back");
        }
        if (error != null && !sampled.isEmpty()) {
            throw new IllegalArgumentException("batch " + batch.id() + " failed: no tokens come back with it");
        }
        if (error == null && (!lostWithIt.isEmpty() || recoverable)) {
            throw new IllegalArgumentException("batch " + batch.id() + " succeeded: nothing was lost with it");
        }
        lostWithIt = List.copyOf(lostWithIt);
    }

    public static StepResult ok(StepBatch batch, List<SampledToken> sampled) {
        return ok(batch, sampled, List.of());
    }

    public static StepResult ok(StepBatch batch, List<SampledToken> sampled, List<PromptLogprobs> promptLogprobs) {
        return new StepResult(batch, sampled, null, List.of(), false, promptLogprobs);
    }

    public static StepResult failed(StepBatch batch, String error) {
        return failed(batch, error, List.of());
    }

    public static StepResult failed(StepBatch batch, String error, List<Request> lostWithIt) {
        return new StepResult(batch, List.of(), error, lostWithIt, false, List.of());
    }

    /**
     * The pipeline broke for {@code error} and is coming back empty: the batch did not run, and its
     * requests and {@code lostWithIt} are to be recomputed.
     */
    public static StepResult lost(StepBatch batch, String error, List<Request> lostWithIt) {
        return new StepResult(batch, List.of(), error, lostWithIt, true, List.of());
    }

    public boolean failed() {
        return error != null;
    }
}
