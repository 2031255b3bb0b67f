package org.tdpipe.sim;

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
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.sched.SchedulerPolicy;
import org.tdpipe.core.sched.SchedulerStats;

/**
 * A deliberately simple policy for exercising the simulator through the engine: one prompt per
 * prefill batch when it fits, otherwise one decode batch of every ready request. A request's
 * blocks for its whole final length are taken at admission, so it never needs preemption.
 */
final class FcfsTestPolicy implements SchedulerPolicy {
    private final BlockManager blocks;
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    private final ArrayDeque<Request> ready = new ArrayDeque<>();
    private int running;
    private long nextBatchId;

    FcfsTestPolicy(int numBlocks, int blockSize) {
        this.blocks = new BlockManager(numBlocks, blockSize, 0.01);
    }

    BlockManager blocks() {
        return blocks;
    }

    @Override
    public String name() {
        return "fcfs-test";
    }

    @Override
    public void add(Request request) {
        waiting.addLast(request);
    }

    @Override
    public Optional<StepBatch> schedule(long nowNanos, Consumer<Request> onIgnored) {
        Request head = waiting.peekFirst();
        if (head != null) {
            int finalLength = head.promptLength() + head.sampling().maxTokens();
            AllocStatus status = blocks.canAllocate(finalLength);
            if (status == AllocStatus.NEVER) {
                waiting.pollFirst();
                head.markFinished(FinishReason.IGNORED, nowNanos);
                onIgnored.accept(head);
                return schedule(nowNanos, onIgnored);
            }
            if (status == AllocStatus.OK) {
                waiting.pollFirst();
                blocks.ensureCapacity(head, finalLength);
                head.markRunning(nowNanos);
                running++;
                return Optional.of(new StepBatch(nextBatchId++, Phase.PREFILL,
                        List.of(new ScheduledSeq(head, 0, head.numTokens(), true)), 0));
            }
        }
        List<ScheduledSeq> seqs = new ArrayList<>();
        while (!ready.isEmpty()) {
            Request r = ready.pollFirst();
            r.markRunning(nowNanos);
            running++;
            seqs.add(new ScheduledSeq(r, r.numComputedTokens(), r.numUncomputedTokens(), true));
        }
        return seqs.isEmpty() ? Optional.empty() : Optional.of(new StepBatch(nextBatchId++, Phase.DECODE, seqs, 0));
    }

    @Override
    public void onBatchComplete(StepBatch batch) {
        for (ScheduledSeq seq : batch.seqs()) {
            Request r = seq.request();
            running--;
            if (r.isFinished()) {
                blocks.free(r);
            } else {
                r.markReady();
                ready.addLast(r);
            }
        }
    }

    @Override
    public void recompute(Request request) {
        if (!ready.remove(request)) {
            throw new IllegalArgumentException("fcfs-test holds no ready " + request);
        }
        blocks.free(request);
        request.markPreempted();
        waiting.addFirst(request);
    }

    @Override
    public void remove(Request request) {
        if (waiting.remove(request) || ready.remove(request)) {
            blocks.free(request);
        }
    }

    @Override
    public int numUnfinished() {
        return waiting.size() + ready.size() + running;
    }

    @Override
    public SchedulerStats stats() {
        return new SchedulerStats(waiting.size(), running, ready.size(), blocks.numUsedBlocks(), blocks.numBlocks(), 0, 0,
                "mixed");
    }
}
