package org.tdpipe.core.sched.vllm;

import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;

/**
 * vLLM's FCFS waiting queue: new requests join at the back, requests preempted by recompute go
 * back to the front (their blocks freed) so they are re-prefilled first.
 */
final class WaitingQueue {
    private final ArrayDeque<Request> queue = new ArrayDeque<>();

    void add(Request request) {
        queue.addLast(request);
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    int size() {
        return queue.size();
    }

    Request peek() {
        return queue.peekFirst();
    }

    Request poll() {
        return queue.pollFirst();
    }

    boolean remove(Request request) {
        return queue.remove(request);
    }

    /**
     * Preemption by recompute: frees the request's blocks and puts it at the front. Preempting
     * several requests youngest first leaves the oldest at the front, as vLLM's
     * {@code waiting.extendleft(preempted)}.
     */
    void preempt(Request request, BlockManager blocks) {
        blocks.free(request);
        request.markPreempted();
        queue.addFirst(request);
    }

    /** Drops the head, which can never run, finishing it as IGNORED. */
    void ignoreHead(String why, long nowNanos, Consumer<Request> onIgnored) {
        Request head = queue.pollFirst();
        head.markFinished(FinishReason.IGNORED, why, nowNanos);
        onIgnored.accept(head);
    }
}
