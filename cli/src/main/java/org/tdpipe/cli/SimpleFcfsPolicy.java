package org.tdpipe.cli;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.kv.AllocStatus;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.sched.SchedulerPolicy;
import org.tdpipe.core.sched.SchedulerStats;

/**
 * A minimal continuous-batching policy for {@code generate} on one in-process executor: every step
 * decodes all admitted requests and fills the rest of a token budget with prefill chunks of waiting
 * requests, first come first served. When a decode slot has no free block the most recently
 * admitted request is preempted by recompute. A front-end may ask for a request to stop (a stop
 * string matched); it is finished with reason STOP at the next scheduling point.
 */
final class SimpleFcfsPolicy implements SchedulerPolicy {
    private final BlockManager blocks;
    private final int tokenBudget;
    private final int maxModelLen;
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    /** Admitted requests (their KV is, or is being, computed), in admission order. */
    private final List<Request> running = new ArrayList<>();
    private final Set<Request> stopRequested = new HashSet<>();
    private long nextBatchId;
    private long preemptions;

    SimpleFcfsPolicy(BlockManager blocks, int tokenBudget, int maxModelLen) {
        if (tokenBudget < 1) {
            throw new IllegalArgumentException("token budget must be >= 1, got " + tokenBudget);
        }
        this.blocks = blocks;
        this.tokenBudget = tokenBudget;
        this.maxModelLen = maxModelLen;
    }

    @Override
    public String name() {
        return "fcfs";
    }

    @Override
    public void add(Request request) {
        waiting.addLast(request);
    }

    /** Finishes {@code request} with reason STOP before it is scheduled again. */
    void requestStop(Request request) {
        stopRequested.add(request);
    }

    @Override
    public Optional<StepBatch> schedule(long nowNanos, Consumer<Request> onIgnored) {
        finishStopped(nowNanos, onIgnored);
        List<ScheduledSeq> seqs = new ArrayList<>();
        int budget = tokenBudget;
        for (int i = 0; i < running.size() && budget > 0; i++) {
            Request r = running.get(i);
            int len = Math.min(budget, r.numUncomputedTokens());
            while (!blocks.ensureCapacity(r, r.numComputedTokens() + len)) {
                Request victim = running.getLast();
                preempt(victim);
                if (victim == r) {
                    break;
                }
            }
            if (!running.contains(r)) {
                break;
            }
            seqs.add(slice(r, len, nowNanos));
            budget -= len;
        }
        while (budget > 0 && !waiting.isEmpty()) {
            Request r = waiting.peekFirst();
            int total = Math.min(maxModelLen, r.numTokens() + 1);
            if (r.numTokens() >= maxModelLen || blocks.canAllocate(total) == AllocStatus.NEVER) {
                waiting.pollFirst();
                r.markFinished(FinishReason.IGNORED, nowNanos);
                onIgnored.accept(r);
                continue;
            }
            int len = Math.min(budget, r.numTokens());
            if (!blocks.ensureCapacity(r, len)) {
                break;
            }
            waiting.pollFirst();
            running.add(r);
            seqs.add(slice(r, len, nowNanos));
            budget -= len;
        }
        if (seqs.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new StepBatch(nextBatchId++, phaseOf(seqs), seqs, 0));
    }

    private ScheduledSeq slice(Request r, int len, long nowNanos) {
        int start = r.numComputedTokens();
        r.markRunning(nowNanos);
        return new ScheduledSeq(r, start, len, start + len == r.numTokens());
    }

    private static Phase phaseOf(List<ScheduledSeq> seqs) {
        boolean decode = seqs.stream().allMatch(s -> s.numTokens() == 1 && s.start() > 0);
        boolean prefill = seqs.stream().noneMatch(s -> s.numTokens() == 1 && s.start() > 0);
        return decode ? Phase.DECODE : prefill ? Phase.PREFILL : Phase.MIXED;
    }

    private void preempt(Request victim) {
        running.remove(victim);
        blocks.free(victim);
        victim.markPreempted();
        waiting.addFirst(victim);
        preemptions++;
    }

    private void finishStopped(long nowNanos, Consumer<Request> onFinished) {
        for (Request r : List.copyOf(stopRequested)) {
            if (r.isFinished()) {
                stopRequested.remove(r);
            } else if (running.contains(r) || waiting.contains(r)) {
                stopRequested.remove(r);
                r.markFinished(FinishReason.STOP, nowNanos);
                drop(r);
                onFinished.accept(r);
            }
        }
    }

    @Override
    public void onBatchComplete(StepBatch batch) {
        for (ScheduledSeq seq : batch.seqs()) {
            Request r = seq.request();
            if (r.isFinished()) {
                drop(r);
            } else {
                r.markReady();
            }
        }
    }

    @Override
    public void remove(Request request) {
        drop(request);
    }

    private void drop(Request r) {
        running.remove(r);
        waiting.remove(r);
        stopRequested.remove(r);
        blocks.free(r);
    }

    @Override
    public int numUnfinished() {
        return waiting.size() + running.size();
    }

    @Override
    public SchedulerStats stats() {
        return new SchedulerStats(waiting.size(), running.size(), 0, blocks.numUsedBlocks(), blocks.numBlocks(),
                preemptions, 0, "mixed");
    }
}
