package org.tdpipe.runtime.grpc;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.kv.BlockTable;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.RequestStatus;
import org.tdpipe.runtime.grpc.proto.Sequence;
import org.tdpipe.runtime.grpc.proto.SubmitBatch;

/**
 * The controller's half of the batch metadata wire: each batch as a delta against what the workers
 * of one session were sent before (their {@link BatchDecoder}s keep the rest). Per sequence, the
 * tokens fed this step, their position and the block ids appended since its previous step; when a
 * sequence (re)starts at position 0, also its id, prompt length and sampling parameters. Sequences
 * that finished or were preempted since the previous batch are released. A decode step therefore
 * costs the same bytes whatever the context length. Used from the controller thread.
 */
final class BatchEncoder {
    private final Map<Long, Sent> sent = new HashMap<>();

    /** What the workers hold of a request: its first {@code tokens} tokens and {@code blocks} blocks. */
    private static final class Sent {
        final Request request;
        int tokens;
        int blocks;

        Sent(Request request) {
            this.request = request;
        }
    }

    /** Whether the workers hold the KV cache (and state) of {@code request}, so that it may continue. */
    boolean holds(Request request) {
        Sent s = sent.get(request.id());
        return s != null && s.request == request;
    }

    /** Every request whose state the workers hold. */
    List<Request> held() {
        return sent.values().stream().map(s -> s.request).toList();
    }

    SubmitBatch encode(StepBatch batch) {
        SubmitBatch.Builder b = SubmitBatch.newBuilder().setBatchId(batch.id()).setPhase(batch.phase().name())
                .setStream(batch.stream());
        releaseGone(b);
        for (ScheduledSeq seq : batch.seqs()) {
            b.addSeqs(encode(batch, seq));
        }
        return b.build();
    }

    /** Sequences that finished or went back to waiting (preempted) are no longer needed on the workers. */
    private void releaseGone(SubmitBatch.Builder b) {
        for (Iterator<Sent> it = sent.values().iterator(); it.hasNext(); ) {
            Request r = it.next().request;
            if (r.isFinished() || r.status() == RequestStatus.WAITING) {
                b.addReleased(r.id());
                it.remove();
            }
        }
    }

    private Sequence encode(StepBatch batch, ScheduledSeq seq) {
        Request r = seq.request();
        Sequence.Builder s = Sequence.newBuilder().setRequestId(r.id()).setStart(seq.start()).setSamples(seq.samples());
        Sent held;
        if (seq.start() == 0) {
            held = new Sent(r);
            sent.put(r.id(), held);
            s.setExternalId(r.externalId()).setPromptLength(r.promptLength()).setSampling(SamplingWire.encode(r.sampling()));
        } else {
            held = sent.get(r.id());
            if (held == null || held.request != r || held.tokens != seq.start()) {
                throw new IllegalStateException("batch " + batch.id() + ": request " + r.externalId() + " continues at position "
                        + seq.start() + " but the workers hold " + (held == null || held.request != r ? "none" : held.tokens)
                        + " of its tokens");
            }
        }
        for (int t : r.tokens(seq.start(), seq.contextLength())) {
            s.addTokens(t);
        }
        BlockTable table = r.blockTable();
        if (table.size() < held.blocks) {
            throw new IllegalStateException("batch " + batch.id() + ": request " + r.externalId() + "'s block table shrank from "
                    + held.blocks + " to " + table.size() + " blocks without a restart");
        }
        for (int i = held.blocks; i < table.size(); i++) {
            s.addNewBlocks(table.get(i));
        }
        held.tokens = seq.contextLength();
        held.blocks = table.size();
        return s.build();
    }
}
