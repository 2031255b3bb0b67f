package org.tdpipe.runtime;

import java.util.List;
import org.tdpipe.core.exec.SampledToken;

/** What stage workers tell the controller: a batch left the last stage, or a worker stopped working. */
public sealed interface WorkerReport {
    /** The last stage sampled the batch's tokens. */
    record BatchDone(long batchId, List<SampledToken> sampled) implements WorkerReport {
        public BatchDone {
            sampled = List.copyOf(sampled);
        }
    }

    /** The batch failed in some stage; its requests end with {@code error}. */
    record BatchFailed(long batchId, String error) implements WorkerReport {
    }

    /** Stage {@code stage}'s worker stopped (an error outside any one batch); nothing in flight will come back. */
    record WorkerDied(int stage, String reason) implements WorkerReport {
    }
}
