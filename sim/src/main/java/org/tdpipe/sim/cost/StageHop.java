package org.tdpipe.sim.cost;

/** How long a batch's activations take from the end of one stage to being ready for the next. */
@FunctionalInterface
public interface StageHop {
    /** Stages that hand activations over in memory (threads of one process): no measurable delay. */
    StageHop NONE = numTokens -> 0;

    long nanos(int numTokens);
}
