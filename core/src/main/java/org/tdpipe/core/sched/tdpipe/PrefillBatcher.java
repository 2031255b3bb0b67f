package org.tdpipe.core.sched.tdpipe;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.kv.AllocStatus;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;

/**
 * Forms one prefill micro-batch (DESIGN §2.3): waiting requests FCFS until
 * {@code count × max_len ≥ budget} tokens, each admitted only if its blocks are actually free
 * above the watermark. Requests that can never fit are finished as IGNORED.
 */
public final class PrefillBatcher {
    private final BlockManager blocks;
    private final int tokenBudget;
    private final int promptLimit;

    public PrefillBatcher(BlockManager blocks, int tokenBudget, int promptLimit) {
        this.blocks = blocks;
        this.tokenBudget = tokenBudget;
        this.promptLimit = promptLimit;
    }

    /** Pops the admitted requests off {@code waiting}, allocates their blocks, marks them RUNNING. */
    public List<ScheduledSeq> form(Deque<Request> waiting, long nowNanos, Consumer<Request> onIgnored) {
        List<ScheduledSeq> batch = new ArrayList<>();
        int maxLen = 0;
        while (!waiting.isEmpty()) {
            Request r = waiting.peekFirst();
            int n = r.numTokens();
            AllocStatus status = n > promptLimit ? AllocStatus.NEVER : blocks.canAllocate(n);
            if (status == AllocStatus.LATER) {
                break;
            }
            waiting.pollFirst();
            if (status == AllocStatus.NEVER) {
                r.markFinished(FinishReason.IGNORED, ignoredReason(n), nowNanos);
                onIgnored.accept(r);
                continue;
            }
            blocks.ensureCapacity(r, n);
            r.markRunning(nowNanos);
            batch.add(new ScheduledSeq(r, 0, n, true));
            maxLen = Math.max(maxLen, n);
            if ((long) batch.size() * maxLen >= tokenBudget) {
                break;
            }
        }
        return batch;
    }

    private String ignoredReason(int tokens) {
        return tokens > promptLimit
                ? "input of " + tokens + " tokens exceeds the limit of " + promptLimit
                : "input of " + tokens + " tokens needs more KV blocks than the cache holds (" + blocks.numBlocks() + ")";
    }
}
