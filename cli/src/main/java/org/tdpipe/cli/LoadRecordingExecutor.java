package org.tdpipe.cli;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.tdpipe.core.exec.Clock;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.StepResult;
import org.tdpipe.core.timeline.Timeline;
import org.tdpipe.sim.cost.BatchLoad;

/** Runs batches on another executor and remembers each batch's load, so real stage times can be set against a cost model's. */
final class LoadRecordingExecutor implements PipelineExecutor {
    private final PipelineExecutor delegate;
    private final Map<Long, BatchLoad> loads = new HashMap<>();

    LoadRecordingExecutor(PipelineExecutor delegate) {
        this.delegate = delegate;
    }

    /** The load of every batch submitted so far, by batch id. */
    Map<Long, BatchLoad> loads() {
        return Map.copyOf(loads);
    }

    @Override
    public void submit(StepBatch batch) {
        loads.put(batch.id(), BatchLoad.of(batch));
        delegate.submit(batch);
    }

    @Override
    public int numStages() {
        return delegate.numStages();
    }

    @Override
    public int maxInFlight() {
        return delegate.maxInFlight();
    }

    @Override
    public int inFlight() {
        return delegate.inFlight();
    }

    @Override
    public Optional<StepResult> next(long deadlineNanos) {
        return delegate.next(deadlineNanos);
    }

    @Override
    public Clock clock() {
        return delegate.clock();
    }

    @Override
    public Timeline timeline() {
        return delegate.timeline();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
