package org.tdpipe.core.sched.tdpipe;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.function.Consumer;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.request.Request;

/**
 * Inter-batch work stealing (DESIGN §2.4). There are no fixed memberships: every decode
 * micro-batch is rebuilt FCFS from the shared ready pool with target size {@code floor(B/P)}
 * (+1 round-robin for the remainder), B counting every request in flight or ready. A leftover of
 * at most P ready requests is absorbed into the batch being formed. A batch that lost finished
 * requests is thereby refilled from the others, and sizes converge to B/P every round.
 */
public final class WorkStealingBatcher implements DecodeBatcher {
    private final int numStages;
    private final DecodeSlots slots;

    public WorkStealingBatcher(int numStages, DecodeSlots slots) {
        this.numStages = numStages;
        this.slots = slots;
    }

    @Override
    public List<ScheduledSeq> form(NavigableSet<Request> ready, int inFlight, long decodeCount, long nowNanos,
            Consumer<Request> preempt) {
        int[] total = {inFlight + ready.size()};
        Consumer<Request> preemptAndCount = r -> {
            total[0]--;
            preempt.accept(r);
        };
        List<ScheduledSeq> batch = new ArrayList<>();
        while (!ready.isEmpty()) {
            int target = total[0] / numStages + (decodeCount % numStages < total[0] % numStages ? 1 : 0);
            if (!slots.takeFirst(ready, ready, batch, inFlight, nowNanos, preemptAndCount)) {
                break;
            }
            if (batch.size() > 1 && batch.size() >= target) {
                if (!ready.isEmpty() && ready.size() <= numStages) {
                    continue; // absorb a small leftover rather than issue a near-empty batch
                }
                break;
            }
        }
        return batch;
    }
}
