package org.tdpipe.core.sched.vllm;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.kv.AllocStatus;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.RequestStatus;

/**
 * One vLLM V0 default scheduler ({@code Scheduler._schedule_default} without chunked prefill):
 * its own waiting and running queues and its own block pool, at most one step in flight.
 *
 * <p>Each step is either a prefill of waiting requests (FCFS, whole prompts, bounded by the token
 * budget, {@code max_num_seqs} counting the running requests, and blocks above the watermark) or,
 * when the head of the queue cannot be admitted, one decode step of every running request. A
 * decode slot that cannot be allocated preempts by recompute from the back of the running queue
 * (the youngest request), the request itself if it is the last one left. The running queue is
 * kept in arrival order, so a re-prefilled request regains its place instead of becoming the next
 * victim.
 */
final class VirtualEngine {
    private final int index;
    private final BlockManager blocks;
    private final int maxNumSeqs;
    private final int tokenBudget;
    private final int promptLimit;
    private final WaitingQueue waiting = new WaitingQueue();
    /** Requests holding blocks, FCFS: in the step in flight or ready to decode. */
    private List<Request> running = new ArrayList<>();
    private boolean stepInFlight;
    private long preemptions;

    /**
     * @param index the stream number the engine's steps carry
     * @param tokenBudget tokens of one prefill step
     * @param promptLimit longest prefill (prompt, or prompt + output after a preemption) accepted
     */
    VirtualEngine(int index, BlockManager blocks, int maxNumSeqs, int tokenBudget, int promptLimit) {
        this.index = index;
        this.blocks = blocks;
        this.maxNumSeqs = maxNumSeqs;
        this.tokenBudget = tokenBudget;
        this.promptLimit = promptLimit;
    }

    void add(Request request) {
        waiting.add(request);
    }

    /** Removes an aborted (waiting or ready) request; false if this engine does not hold it. */
    boolean remove(Request request) {
        if (waiting.remove(request) || running.remove(request)) {
            blocks.free(request);
            return true;
        }
        return false;
    }

    /** Preempts a ready request by recompute (its KV cache was lost); false if this engine does not hold it. */
    boolean recompute(Request request) {
        if (request.status() != RequestStatus.READY || !running.remove(request)) {
            return false;
        }
        waiting.preempt(request, blocks);
        preemptions++;
        return true;
    }

    boolean canLaunch() {
        return !stepInFlight && (!waiting.isEmpty() || !running.isEmpty());
    }

    /**
     * The next step with the given id, or empty when nothing can run (every waiting request was
     * ignored). Requires {@link #canLaunch()}.
     */
    Optional<StepBatch> schedule(long batchId, long nowNanos, Consumer<Request> onIgnored) {
        if (stepInFlight) {
            throw new IllegalStateException("virtual engine " + index + " already has a step in flight");
        }
        // a decode step that preempted every running request leaves only waiting ones: admit them
        while (true) {
            List<Request> prefills = admitPrefills(nowNanos, onIgnored);
            if (!prefills.isEmpty()) {
                running.addAll(prefills);
                running.sort(Request.ARRIVAL_ORDER);
                return launch(new StepBatch(batchId, Phase.PREFILL, slices(prefills, nowNanos), index));
            }
            if (running.isEmpty()) {
                return Optional.empty();
            }
            running = decodable();
            if (!running.isEmpty()) {
                return launch(new StepBatch(batchId, Phase.DECODE, slices(running, nowNanos), index));
            }
        }
    }

    private Optional<StepBatch> launch(StepBatch step) {
        stepInFlight = true;
        return Optional.of(step);
    }

    /** The step came back: finished requests leave and free their blocks, the others are ready. */
    void onStepComplete(StepBatch step) {
        stepInFlight = false;
        StepCompletion.settle(step, blocks, running);
    }

    private List<Request> admitPrefills(long nowNanos, Consumer<Request> onIgnored) {
        List<Request> admitted = new ArrayList<>();
        int tokens = 0;
        while (!waiting.isEmpty()) {
            Request head = waiting.peek();
            int n = head.numUncomputedTokens();
            if (n > promptLimit) {
                waiting.ignoreHead("input of " + n + " tokens exceeds the limit of " + promptLimit, nowNanos, onIgnored);
                continue;
            }
            AllocStatus fit = blocks.canAllocate(head.numTokens());
            if (fit == AllocStatus.NEVER) {
                waiting.ignoreHead("input of " + n + " tokens needs more KV blocks than the " + blocks.numBlocks()
                        + " of virtual engine " + index, nowNanos, onIgnored);
                continue;
            }
            if (fit == AllocStatus.LATER || tokens + n > tokenBudget || running.size() + admitted.size() >= maxNumSeqs) {
                break;
            }
            waiting.poll();
            blocks.ensureCapacity(head, head.numTokens());
            admitted.add(head);
            tokens += n;
        }
        return admitted;
    }

    /**
     * Appends a decode slot to every running request in FCFS order, preempting from the back of
     * the queue when no block is free; returns the requests that keep running.
     */
    private List<Request> decodable() {
        ArrayDeque<Request> queue = new ArrayDeque<>(running);
        List<Request> kept = new ArrayList<>(running.size());
        while (!queue.isEmpty()) {
            Request r = queue.pollFirst();
            boolean preemptedItself = false;
            while (!blocks.canAppendSlot(r)) {
                Request victim = queue.isEmpty() ? r : queue.pollLast();
                waiting.preempt(victim, blocks);
                preemptions++;
                if (victim == r) {
                    preemptedItself = true;
                    break;
                }
            }
            if (!preemptedItself) {
                blocks.ensureCapacity(r, r.numTokens());
                kept.add(r);
            }
        }
        return kept;
    }

    private static List<ScheduledSeq> slices(List<Request> requests, long nowNanos) {
        List<ScheduledSeq> seqs = new ArrayList<>(requests.size());
        for (Request r : requests) {
            int start = r.numComputedTokens();
            seqs.add(new ScheduledSeq(r, start, r.numTokens() - start, true));
            r.markRunning(nowNanos);
        }
        return seqs;
    }

    int numWaiting() {
        return waiting.size();
    }

    int numUnfinished() {
        return waiting.size() + running.size();
    }

    int numInFlight() {
        return count(RequestStatus.RUNNING);
    }

    int numReady() {
        return count(RequestStatus.READY);
    }

    private int count(RequestStatus status) {
        int n = 0;
        for (Request r : running) {
            n += r.status() == status ? 1 : 0;
        }
        return n;
    }

    int usedBlocks() {
        return blocks.numUsedBlocks();
    }

    int totalBlocks() {
        return blocks.numBlocks();
    }

    long preemptions() {
        return preemptions;
    }
}
