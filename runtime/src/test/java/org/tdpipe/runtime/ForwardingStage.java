package org.tdpipe.runtime;

import java.util.List;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.model.llama.HiddenStates;
import org.tdpipe.model.llama.LayerRange;
import org.tdpipe.model.step.BatchLayout;
import org.tdpipe.model.step.StepInput;

/** A stage that computes as another one; test stages extend it and override what they change. */
public abstract class ForwardingStage implements StageComputation {
    private final StageComputation real;

    protected ForwardingStage(StageComputation real) {
        this.real = real;
    }

    @Override
    public LayerRange range() {
        return real.range();
    }

    @Override
    public BatchLayout prepare(StepInput step) {
        return real.prepare(step);
    }

    @Override
    public HiddenStates forward(BatchLayout layout, HiddenStates input) {
        return real.forward(layout, input);
    }

    @Override
    public LastStageOutput sample(BatchLayout layout, HiddenStates hidden) {
        return real.sample(layout, hidden);
    }

    @Override
    public void close() {
        real.close();
    }
}
