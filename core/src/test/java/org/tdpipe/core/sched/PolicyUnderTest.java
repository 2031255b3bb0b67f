package org.tdpipe.core.sched;

import java.util.function.Function;

/**
 * A scheduler policy as the invariant harness runs it.
 *
 * @param label shown in test reports (a policy name plus any non-default option)
 * @param factory builds a fresh policy for a run
 * @param oneBatchInFlight true for policies run with one batch in flight (tensor parallelism);
 *     otherwise the executor accepts as many batches as there are stages
 */
public record PolicyUnderTest(String label, Function<PolicyContext, SchedulerPolicy> factory, boolean oneBatchInFlight) {

    public static PolicyUnderTest pipelined(String label, Function<PolicyContext, SchedulerPolicy> factory) {
        return new PolicyUnderTest(label, factory, false);
    }

    public static PolicyUnderTest tensorParallel(String label, Function<PolicyContext, SchedulerPolicy> factory) {
        return new PolicyUnderTest(label, factory, true);
    }

    public int maxInFlight(int numStages) {
        return oneBatchInFlight ? 1 : numStages;
    }

    @Override
    public String toString() {
        return label;
    }
}
