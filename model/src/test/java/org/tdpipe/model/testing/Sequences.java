package org.tdpipe.model.testing;

import java.util.List;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;

/** Builds running requests with allocated KV blocks and the batches that feed them. */
public final class Sequences {
    private final BlockManager blocks;
    private long nextId;
    private long nextBatch;

    public Sequences(BlockManager blocks) {
        this.blocks = blocks;
    }

    /** A RUNNING request for {@code prompt} with blocks for {@code capacity} tokens. */
    public Request request(int[] prompt, SamplingParams sampling, int capacity) {
        long id = nextId++;
        Request r = new Request(id, "req-" + id, prompt, sampling, 0);
        if (!blocks.ensureCapacity(r, capacity)) {
            throw new IllegalStateException("test KV cache too small");
        }
        r.markRunning(0);
        return r;
    }

    public StepBatch batch(ScheduledSeq... seqs) {
        return new StepBatch(nextBatch++, Phase.MIXED, List.of(seqs), 0);
    }

    /** The whole uncomputed rest of the request's tokens, sampling at the end. */
    public static ScheduledSeq prefill(Request r) {
        return new ScheduledSeq(r, 0, r.numTokens(), true);
    }

    /** The last token of the request (a decode step). */
    public static ScheduledSeq decode(Request r) {
        return new ScheduledSeq(r, r.numTokens() - 1, 1, true);
    }
}
