package org.tdpipe.core.sched.tdpipe;

import java.util.List;
import java.util.NavigableSet;
import java.util.function.Consumer;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.request.Request;

/**
 * Gives a READY request the KV slot of its next token, preempting the most recent arrivals by
 * recompute while blocks are short — shared by both decode batchers.
 */
public final class DecodeSlots {
    private final BlockManager blocks;

    public DecodeSlots(BlockManager blocks) {
        this.blocks = blocks;
    }

    /**
     * Takes {@code candidates.first()} into {@code batch} if a slot can be found, preempting from
     * the tail of {@code candidates} (also removed from {@code ready}) as needed. Returns false when
     * it could not, leaving {@code candidates} non-empty only if the request must wait for memory.
     */
    public boolean takeFirst(NavigableSet<Request> candidates, NavigableSet<Request> ready, List<ScheduledSeq> batch,
            int inFlight, long nowNanos, Consumer<Request> preempt) {
        Request first = candidates.first();
        while (!blocks.canAppendSlot(first)) {
            if (candidates.size() > 1) {
                Request victim = candidates.pollLast();
                ready.remove(victim);
                preempt.accept(victim);
            } else {
                if (batch.isEmpty() && inFlight == 0) {
                    // It holds every block and cannot grow: the original would hang here. Recompute
                    // it later (or finish it IGNORED if it can never fit again).
                    candidates.pollFirst();
                    ready.remove(first);
                    preempt.accept(first);
                }
                return false;
            }
        }
        candidates.pollFirst();
        ready.remove(first);
        blocks.ensureCapacity(first, first.numTokens());
        first.markRunning(nowNanos);
        batch.add(new ScheduledSeq(first, first.numComputedTokens(), first.numUncomputedTokens(), true));
        return true;
    }
}
