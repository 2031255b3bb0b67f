package org.tdpipe.runtime;

import org.tdpipe.model.llama.HiddenStates;

/** What stage k sends stage k+1 for a batch: its output activations, or why the batch failed upstream. */
public sealed interface StageMessage {
    long batchId();

    /** The residual stream after stage k's layers; stage k+1 takes ownership. */
    record Activations(long batchId, HiddenStates hidden) implements StageMessage {
    }

    /** The batch failed at or before stage k; later stages pass it on without computing. */
    record Failure(long batchId, String error) implements StageMessage {
    }
}
