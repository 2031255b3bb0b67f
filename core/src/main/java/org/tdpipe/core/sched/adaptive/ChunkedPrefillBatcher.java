package org.tdpipe.core.sched.adaptive;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.kv.AllocStatus;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.RequestStatus;

/**
 * Packs the planned requests of a prefill phase into micro-batches of about {@code chunk} tokens,
 * splitting long prompts, so every prefill micro-batch costs about the same per stage. A request
 * has at most one chunk in flight (the next one needs the KV of the previous); the longest
 * remaining prompts go first so their later chunks interleave with other requests' and the phase
 * does not end waiting on one long prompt. Blocks for the whole prompt are allocated with the
 * first chunk; requests that can never fit are finished as IGNORED.
 */
final class ChunkedPrefillBatcher {
    private static final Comparator<Request> LONGEST_REMAINING_FIRST =
            Comparator.comparingInt(Request::numUncomputedTokens).reversed().thenComparing(Request.ARRIVAL_ORDER);

    private final BlockManager blocks;
    private final int promptLimit;

    ChunkedPrefillBatcher(BlockManager blocks, int promptLimit) {
        this.blocks = blocks;
        this.promptLimit = promptLimit;
    }

    /** The outcome: the micro-batch, and whether the phase has to stop for lack of memory. */
    record Formed(List<ScheduledSeq> seqs, boolean outOfMemory) {
    }

    /**
     * Forms one micro-batch from {@code plan} (requests of this phase not yet fully prefilled);
     * requests that are fully launched or ignored leave {@code plan}.
     */
    Formed form(List<Request> plan, int chunk, long nowNanos, Consumer<Request> onIgnored) {
        List<Request> candidates = new ArrayList<>();
        for (Request r : plan) {
            if (r.status() != RequestStatus.RUNNING) {
                candidates.add(r);
            }
        }
        candidates.sort(LONGEST_REMAINING_FIRST);
        List<ScheduledSeq> batch = new ArrayList<>();
        int tokens = 0;
        for (Request r : candidates) {
            if (tokens >= chunk) {
                break;
            }
            if (r.blockTable().isEmpty()) {
                int n = r.numTokens();
                AllocStatus status = n > promptLimit ? AllocStatus.NEVER : blocks.canAllocate(n);
                if (status == AllocStatus.NEVER) {
                    plan.remove(r);
                    r.markFinished(FinishReason.IGNORED, "input of " + n + " tokens can never fit (limit " + promptLimit
                            + " tokens, " + blocks.numBlocks() + " KV blocks)", nowNanos);
                    onIgnored.accept(r);
                    continue;
                }
                if (status == AllocStatus.LATER) {
                    return new Formed(batch, true);
                }
                blocks.ensureCapacity(r, n);
            }
            int take = Math.min(r.numUncomputedTokens(), chunk - tokens);
            boolean last = take == r.numUncomputedTokens();
            r.markRunning(nowNanos);
            batch.add(new ScheduledSeq(r, r.numComputedTokens(), take, last));
            tokens += take;
            if (last) {
                plan.remove(r);
            }
        }
        return new Formed(batch, false);
    }
}
