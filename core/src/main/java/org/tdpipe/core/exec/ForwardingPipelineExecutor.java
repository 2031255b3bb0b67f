package org.tdpipe.core.exec;

import java.util.Optional;
import org.tdpipe.core.timeline.Timeline;

/**
 * An executor that forwards every call to another one; subclasses override what they change (a test
 * gate on launches, injected faults, a pause) and keep the rest of the pipeline's behaviour.
 */
public abstract class ForwardingPipelineExecutor implements PipelineExecutor {
    private final PipelineExecutor delegate;

    protected ForwardingPipelineExecutor(PipelineExecutor delegate) {
        this.delegate = delegate;
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
    public void submit(StepBatch batch) {
        delegate.submit(batch);
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
