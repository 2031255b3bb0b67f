package org.tdpipe.core.sched.tdpipe;

import java.util.List;
import java.util.NavigableSet;
import java.util.function.Consumer;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.request.Request;

/** Forms one decode micro-batch from the READY requests (ordered by arrival). */
public sealed interface DecodeBatcher permits WorkStealingBatcher, FixedMembershipBatcher {

    /**
     * Pops the chosen requests off {@code ready}, gives each a slot for its next token and marks
     * it RUNNING. When blocks run out it preempts the most recent arrivals through {@code preempt}.
     *
     * @param inFlight requests currently in a launched batch
     * @param decodeCount decode micro-batches launched since the last prefill
     */
    List<ScheduledSeq> form(NavigableSet<Request> ready, int inFlight, long decodeCount, long nowNanos,
            Consumer<Request> preempt);

    /** A request was prefilled (fixed membership assigns it to a batch here). */
    default void onPrefilled(Request request) {
    }

    /** A request left the policy (finished or preempted). */
    default void onRemoved(Request request) {
    }
}
