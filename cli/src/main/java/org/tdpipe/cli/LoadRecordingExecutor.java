package org.tdpipe.cli;

import java.util.HashMap;
import java.util.Map;
import org.tdpipe.core.exec.ForwardingPipelineExecutor;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.sim.cost.BatchLoad;

/** Runs batches on another executor and remembers each batch's load, so real stage times can be set against a cost model's. */
final class LoadRecordingExecutor extends ForwardingPipelineExecutor {
    private final Map<Long, BatchLoad> loads = new HashMap<>();

    LoadRecordingExecutor(PipelineExecutor delegate) {
        super(delegate);
    }

    /** The load of every batch submitted so far, by batch id. */
    Map<Long, BatchLoad> loads() {
        return Map.copyOf(loads);
    }

    @Override
    public void submit(StepBatch batch) {
        loads.put(batch.id(), BatchLoad.of(batch));
        super.submit(batch);
    }
}
