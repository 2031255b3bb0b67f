package org.tdpipe.core.sched.vllm;

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
import org.tdpipe.core.sched.SchedulerPolicy;
import org.tdpipe.core.sched.SchedulerStats;

/**
 * vLLM V1 style pipeline parallelism ({@code pp-chunked}, DESIGN §3): one scheduler over all KV
 * blocks feeding a batch queue as deep as the executor allows (P), with chunked prefill. Each
 * step packs, under one token budget: every ready decode (one token each), then the next chunk of
 * each partially prefilled request, then chunks of waiting requests, FCFS. A request in flight is
 * in no other batch. A chunk that does not reach the end of the prompt does not sample.
 *
 * <p>When a running request needs a block and none is free, the youngest request that is not in
 * flight is preempted by recompute, possibly the request itself. Unlike vLLM (whose victims are
 * never in flight), a request whose only younger peers are in flight waits for them to come back
 * instead of preempting itself, so the oldest requests keep progressing. Waiting requests are
 * admitted only while {@code max_num_seqs} and the free blocks (above the watermark) allow.
 *
 * <p>{@link SchedulerStats#phaseSwitches()} counts launched batches whose phase (prefill, decode
 * or mixed) differs from the previous launched batch.
 */
public final class ChunkedPrefillPolicy implements SchedulerPolicy {
    public static final String NAME = "pp-chunked";

    private final BlockManager blocks;
    private final int maxNumSeqs;
    private final int tokenBudget;
    private final int maxModelLen;
    private final WaitingQueue waiting = new WaitingQueue();
    /** Requests holding blocks (in flight, ready to decode, or partially prefilled), FCFS. */
    private final List<Request> running = new ArrayList<>();
    private long nextBatchId;
    private long preemptions;
    private Phase lastPhase;
    private long phaseSwitches;

    ChunkedPrefillPolicy(BlockManager blocks, int maxNumSeqs, int tokenBudget, int maxModelLen) {
        this.blocks = blocks;
        this.maxNumSeqs = maxNumSeqs;
        this.tokenBudget = tokenBudget;
        this.maxModelLen = maxModelLen;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void add(Request request) {
        waiting.add(request);
    }

    @Override
    public Optional<StepBatch> schedule(long nowNanos, Consumer<Request> onIgnored) {
        List<ScheduledSeq> seqs = new ArrayList<>();
        int budget = tokenBudget;
        for (Request r : List.copyOf(running)) {
            if (budget == 0) {
                break;
            }
            if (isReady(r) && r.numUncomputedTokens() == 1) {
                budget -= feed(r, 1, seqs, nowNanos);
            }
        }
        for (Request r : List.copyOf(running)) {
            if (budget == 0) {
                break;
            }
            if (isReady(r) && r.numUncomputedTokens() > 1) {
                budget -= feed(r, Math.min(budget, r.numUncomputedTokens()), seqs, nowNanos);
            }
        }
        budget -= admitWaiting(budget, seqs, nowNanos, onIgnored);
        if (seqs.isEmpty()) {
            return Optional.empty();
        }
        StepBatch batch = new StepBatch(nextBatchId++, phaseOf(seqs), seqs, 0);
        if (lastPhase != null && lastPhase != batch.phase()) {
            phaseSwitches++;
        }
        lastPhase = batch.phase();
        return Optional.of(batch);
    }

    /** A running request not in flight and not yet in the batch being built. */
    private static boolean isReady(Request r) {
        return r.status() == RequestStatus.READY;
    }

    /** Adds {@code tokens} of a running request to the batch if blocks allow; returns the tokens used. */
    private int feed(Request r, int tokens, List<ScheduledSeq> seqs, long nowNanos) {
        if (!makeRoom(r, r.numComputedTokens() + tokens)) {
            return 0;
        }
        seqs.add(slice(r, tokens, nowNanos));
        return tokens;
    }

    /**
     * Gives {@code r} blocks for {@code slots} token slots, preempting the youngest ready requests
     * while none are free. False when {@code r} was preempted or must wait for younger requests
     * in flight to come back.
     */
    private boolean makeRoom(Request r, int slots) {
        while (!blocks.ensureCapacity(r, slots)) {
            Request victim = youngestReady();
            if (victim == r && youngerInFlight(r)) {
                return false;
            }
            waiting.preempt(victim, blocks);
            running.remove(victim);
            preemptions++;
            if (victim == r) {
                return false;
            }
        }
        return true;
    }

    private Request youngestReady() {
        for (int i = running.size() - 1; i >= 0; i--) {
            if (isReady(running.get(i))) {
                return running.get(i);
            }
        }
        throw new IllegalStateException("no ready request to preempt");
    }

    private boolean youngerInFlight(Request r) {
        for (int i = running.size() - 1; i >= 0 && running.get(i) != r; i--) {
            if (running.get(i).status() == RequestStatus.RUNNING) {
                return true;
            }
        }
        return false;
    }

    /** Admits chunks of waiting requests FCFS into the batch; returns the tokens used. */
    private int admitWaiting(int budget, List<ScheduledSeq> seqs, long nowNanos, Consumer<Request> onIgnored) {
        int used = 0;
        while (!waiting.isEmpty() && used < budget && running.size() < maxNumSeqs) {
            Request head = waiting.peek();
            if (head.promptLength() > maxModelLen) {
                waiting.ignoreHead("prompt of " + head.promptLength() + " tokens exceeds the model length of "
                        + maxModelLen, nowNanos, onIgnored);
                continue;
            }
            AllocStatus whole = blocks.canAllocate(head.numTokens());
            if (whole == AllocStatus.NEVER) {
                waiting.ignoreHead("input of " + head.numTokens() + " tokens needs more KV blocks than the "
                        + blocks.numBlocks() + " of the cache", nowNanos, onIgnored);
                continue;
            }
            int chunk = Math.min(budget - used, head.numUncomputedTokens());
            if (blocks.canAllocate(chunk) != AllocStatus.OK) {
                break;
            }
            waiting.poll();
            blocks.ensureCapacity(head, chunk);
            ArrivalOrder.insert(running, head);
            seqs.add(slice(head, chunk, nowNanos));
            used += chunk;
        }
        return used;
    }

    private static ScheduledSeq slice(Request r, int tokens, long nowNanos) {
        int start = r.numComputedTokens();
        ScheduledSeq seq = new ScheduledSeq(r, start, tokens, start + tokens == r.numTokens());
        r.markRunning(nowNanos);
        return seq;
    }

    private static Phase phaseOf(List<ScheduledSeq> seqs) {
        boolean decodes = false;
        boolean prefills = false;
        for (ScheduledSeq s : seqs) {
            if (s.isDecode()) {
                decodes = true;
            } else {
                prefills = true;
            }
        }
        return decodes && prefills ? Phase.MIXED : decodes ? Phase.DECODE : Phase.PREFILL;
    }

    @Override
    public void onBatchComplete(StepBatch batch) {
        StepCompletion.settle(batch, blocks, running);
    }

    @Override
    public void recompute(Request request) {
        if (!isReady(request) || !running.remove(request)) {
            throw new IllegalArgumentException(NAME + " holds no ready " + request);
        }
        waiting.preempt(request, blocks);
        preemptions++;
    }

    @Override
    public void remove(Request request) {
        if (!waiting.remove(request) && !running.remove(request)) {
            throw new IllegalArgumentException(NAME + " does not hold " + request);
        }
        blocks.free(request);
    }

    @Override
    public int numUnfinished() {
        return waiting.size() + running.size();
    }

    @Override
    public SchedulerStats stats() {
        int inFlight = 0;
        int ready = 0;
        for (Request r : running) {
            inFlight += r.status() == RequestStatus.RUNNING ? 1 : 0;
            ready += isReady(r) ? 1 : 0;
        }
        return new SchedulerStats(waiting.size(), inFlight, ready, blocks.numUsedBlocks(), blocks.numBlocks(),
                preemptions, phaseSwitches, "mixed");
    }
}
