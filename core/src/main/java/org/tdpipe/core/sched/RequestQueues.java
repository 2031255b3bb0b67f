package org.tdpipe.core.sched;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.request.Request;

/**
 * The three places a request of a phase-separated policy can be: waiting for prefill (FIFO, a
 * preempted request goes back to the front), ready to decode (ordered as the policy's decode
 * batcher wants), and running in a micro-batch. Owns what the TD-Pipe policies shared: recompute
 * preemption, cancellation of a queued request and the stats snapshot. Running requests iterate in
 * launch order, so every pass over them is deterministic.
 */
public final class RequestQueues {
    private final BlockManager blocks;
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    private final NavigableSet<Request> ready;
    private final Set<Request> running = new LinkedHashSet<>();
    private long preemptions;

    public RequestQueues(BlockManager blocks, Comparator<Request> readyOrder) {
        this.blocks = blocks;
        this.ready = new TreeSet<>(readyOrder);
    }

    public ArrayDeque<Request> waiting() {
        return waiting;
    }

    public NavigableSet<Request> ready() {
        return ready;
    }

    public Set<Request> running() {
        return running;
    }

    /** Requests holding KV blocks between micro-batches or in one: running plus ready. */
    public int inFlight() {
        return running.size() + ready.size();
    }

    public boolean nothingInFlight() {
        return running.isEmpty() && ready.isEmpty();
    }

    /** Preemption by recompute: frees the blocks and puts the request first in the waiting queue. */
    public void preempt(Request request) {
        blocks.free(request);
        request.markPreempted();
        waiting.addFirst(request);
        preemptions++;
    }

    /**
     * Cancels a request between micro-batches: if it waits or is ready, it leaves its queue and its
     * blocks are freed. A running request is not touched (the engine removes it when its batch is back).
     */
    public boolean removeQueued(Request request) {
        if (waiting.remove(request) || ready.remove(request)) {
            blocks.free(request);
            return true;
        }
        return false;
    }

    public SchedulerStats stats(long phaseSwitches, boolean prefillMode) {
        return new SchedulerStats(waiting.size(), running.size(), ready.size(), blocks.numUsedBlocks(),
                blocks.numBlocks(), preemptions, phaseSwitches, prefillMode ? "prefill" : "decode");
    }
}
