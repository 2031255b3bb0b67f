package org.tdpipe.core.sched.adaptive;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableSet;
import java.util.function.Consumer;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.request.Request;

/**
 * Work stealing that balances attention work too. Like TD-Pipe's batcher it rebuilds every decode
 * micro-batch from the shared ready pool with target size {@code floor(B/P)} (+1 round-robin,
 * small leftovers absorbed), but it picks alternately the longest and the shortest context
 * instead of FCFS. FCFS groups requests admitted together — with similar context lengths — into
 * the same micro-batch, so once decode cost grows with context (KV reads) the micro-batches of a
 * round differ in stage time and the pipeline waits on the slowest. Alternating keeps every
 * micro-batch's context sum near the pool's mean without needing to know the KV-read cost.
 */
final class ContextBalancedBatcher {
    /** Order of the ready pool: by context length, then id. */
    static final Comparator<Request> BY_CONTEXT =
            Comparator.comparingInt(Request::numTokens).thenComparingLong(Request::id);

    private final int numStages;
    private final BlockManager blocks;

    ContextBalancedBatcher(int numStages, BlockManager blocks) {
        this.numStages = numStages;
        this.blocks = blocks;
    }

    /**
     * Pops the chosen requests off {@code ready} (ordered {@link #BY_CONTEXT}), gives each a slot
     * and marks it RUNNING; when blocks run out, preempts the most recent arrival by recompute.
     */
    List<ScheduledSeq> form(NavigableSet<Request> ready, int inFlight, long decodeCount, long nowNanos,
            Consumer<Request> preempt) {
        int total = inFlight + ready.size();
        List<ScheduledSeq> batch = new ArrayList<>();
        while (!ready.isEmpty()) {
            Request pick = batch.size() % 2 == 0 ? ready.last() : ready.first();
            if (!blocks.canAppendSlot(pick)) {
                if (ready.size() > 1) {
                    Request victim = mostRecentArrival(ready);
                    ready.remove(victim);
                    preempt.accept(victim);
                    total--;
                    continue;
                }
                if (batch.isEmpty() && inFlight == 0) {
                    ready.remove(pick); // holds every block and cannot grow: recompute it later
                    preempt.accept(pick);
                }
                break;
            }
            ready.remove(pick);
            blocks.ensureCapacity(pick, pick.numTokens());
            pick.markRunning(nowNanos);
            batch.add(new ScheduledSeq(pick, pick.numComputedTokens(), pick.numUncomputedTokens(), true));
            int target = total / numStages + (decodeCount % numStages < total % numStages ? 1 : 0);
            if (batch.size() > 1 && batch.size() >= target) {
                if (!ready.isEmpty() && ready.size() <= numStages) {
                    continue;
                }
                break;
            }
        }
        return batch;
    }

    private static Request mostRecentArrival(NavigableSet<Request> ready) {
        Request latest = null;
        for (Request r : ready) {
            if (latest == null || Request.ARRIVAL_ORDER.compare(r, latest) > 0) {
                latest = r;
            }
        }
        return latest;
    }
}
