package org.tdpipe.core.sched.tdpipe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.request.Request;

/**
 * The work-stealing ablation: each request joins one of P fixed decode batches, round-robin when
 * it is prefilled, and stays there; batches shrink unevenly as their members finish.
 */
public final class FixedMembershipBatcher implements DecodeBatcher {
    private final int numStages;
    private final DecodeSlots slots;
    private final Map<Request, Integer> group = new HashMap<>();
    private int nextAssignment;
    private int nextGroup;

    FixedMembershipBatcher(int numStages, DecodeSlots slots) {
        this.numStages = numStages;
        this.slots = slots;
    }

    @Override
    public void onPrefilled(Request request) {
        group.put(request, nextAssignment++ % numStages);
    }

    @Override
    public void onRemoved(Request request) {
        group.remove(request);
    }

    @Override
    public List<ScheduledSeq> form(NavigableSet<Request> ready, int inFlight, long decodeCount, long nowNanos,
            Consumer<Request> preempt) {
        List<ScheduledSeq> batch = new ArrayList<>();
        int firstGroup = nextGroup;
        for (int k = 0; k < numStages && batch.isEmpty(); k++) {
            int g = (firstGroup + k) % numStages;
            NavigableSet<Request> members = new TreeSet<>(ready.comparator());
            for (Request r : ready) {
                if (group.get(r) == g) {
                    members.add(r);
                }
            }
            if (members.isEmpty()) {
                continue;
            }
            nextGroup = g + 1;
            while (!members.isEmpty() && slots.takeFirst(members, ready, batch, inFlight, nowNanos, preempt)) {
                // take every ready member of this batch
            }
        }
        return batch;
    }
}
