package org.tdpipe.runtime;

/** What stage workers tell the controller: a batch left the last stage, or a worker stopped working. */
public sealed interface WorkerReport {
    /** The last stage sampled the batch's tokens (and scored the prompt tokens asked for). */
    record BatchDone(long batchId, LastStageOutput output) implements WorkerReport {
    }

    /** The batch failed in some stage; its requests end with {@code error}. */
    record BatchFailed(long batchId, String error) implements WorkerReport {
    }

    /** Stage {@code stage}'s worker stopped (an error outside any one batch); nothing in flight will come back. */
    record WorkerDied(int stage, String reason) implements WorkerReport {
    }
}
