package org.tdpipe.core.sched.vllm;

import java.util.List;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.request.Request;

/**
 * What the vLLM-style schedulers do when a step comes back: its finished requests leave the running
 * list and free their blocks, the others are ready for their next step.
 */
final class StepCompletion {
    private StepCompletion() {
    }

    static void settle(StepBatch step, BlockManager blocks, List<Request> running) {
        for (ScheduledSeq seq : step.seqs()) {
            Request r = seq.request();
            if (r.isFinished()) {
                blocks.free(r);
                running.remove(r);
            } else {
                r.markReady();
            }
        }
    }
}
