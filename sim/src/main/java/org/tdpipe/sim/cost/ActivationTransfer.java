package org.tdpipe.sim.cost;

import org.tdpipe.sim.hw.LinkSpec;
import org.tdpipe.sim.model.ModelShape;

/**
 * The hand-off between pipeline stages: vLLM sends hidden states and residual,
 * {@code 2 × tokens × hidden × 2 B}, over the link between the two GPUs.
 */
public final class ActivationTransfer implements StageHop {
    private final LinkSpec link;
    private final ModelShape model;

    public ActivationTransfer(LinkSpec link, ModelShape model) {
        this.link = link;
        this.model = model;
    }

    @Override
    public long nanos(int numTokens) {
        return link.transferNanos(2.0 * numTokens * model.hidden() * ModelShape.BYTES_PER_VALUE);
    }
}
