package org.tdpipe.runtime.grpc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.kv.BlockTableCopy;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.runtime.grpc.proto.Sequence;
import org.tdpipe.runtime.grpc.proto.SubmitBatch;

/**
 * A worker's half of the batch metadata wire ({@link BatchEncoder}): it keeps each sequence's
 * tokens, block table, prompt length and sampling parameters from step to step, applies each
 * batch's deltas and rebuilds the batch as the stage computes it, with a stand-in {@link Request}
 * per sequence (the sampler's penalties read its history). Bad metadata fails with a message
 * naming the batch, the request and the field. Used from one thread (the batch stream's, in order).
 */
final class BatchDecoder {
    private final Map<Long, SequenceState> sequences = new HashMap<>();

    /** One sequence as this worker knows it. */
    private static final class SequenceState {
        final long id;
        final String externalId;
        final int promptLength;
        final SamplingParams sampling;
        int[] tokens = new int[16];
        int numTokens;
        int[] blocks = new int[4];
        int numBlocks;

        SequenceState(long id, String externalId, int promptLength, SamplingParams sampling) {
            this.id = id;
            this.externalId = externalId;
            this.promptLength = promptLength;
            this.sampling = sampling;
        }

        void append(Sequence s) {
            if (numTokens + s.getTokensCount() > tokens.length) {
                tokens = Arrays.copyOf(tokens, Math.max(tokens.length * 2, numTokens + s.getTokensCount()));
            }
            for (int t : s.getTokensList()) {
                tokens[numTokens++] = t;
            }
            if (numBlocks + s.getNewBlocksCount() > blocks.length) {
                blocks = Arrays.copyOf(blocks, Math.max(blocks.length * 2, numBlocks + s.getNewBlocksCount()));
            }
            for (int block : s.getNewBlocksList()) {
                blocks[numBlocks++] = block;
            }
        }

        /** The request as far as this step feeds it. */
        Request request() {
            int prompt = Math.min(promptLength, numTokens);
            Request r = new Request(id, externalId, Arrays.copyOf(tokens, prompt), sampling, 0);
            r.markRunning(0);
            for (int i = prompt; i < numTokens; i++) {
                r.appendToken(tokens[i], 0);
            }
            BlockTableCopy.fill(r.blockTable(), Arrays.copyOf(blocks, numBlocks));
            return r;
        }
    }

    /** Sequences this worker holds now. */
    int size() {
        return sequences.size();
    }

    StepBatch decode(SubmitBatch b) {
        for (long released : b.getReleasedList()) {
            sequences.remove(released);
        }
        List<ScheduledSeq> seqs = new ArrayList<>(b.getSeqsCount());
        for (Sequence s : b.getSeqsList()) {
            SequenceState state = apply(b.getBatchId(), s);
            seqs.add(new ScheduledSeq(state.request(), s.getStart(), s.getTokensCount(), s.getSamples()));
        }
        return new StepBatch(b.getBatchId(), phase(b), seqs, b.getStream());
    }

    private SequenceState apply(long batchId, Sequence s) {
        String where = "batch " + batchId + ", request id " + s.getRequestId();
        if (s.getTokensCount() == 0) {
            throw new IllegalArgumentException(where + ": no tokens fed");
        }
        SequenceState state;
        if (s.getStart() == 0) {
            if (s.getPromptLength() < 1 || !s.hasSampling()) {
                throw new IllegalArgumentException(where + ": a sequence starting at position 0 needs prompt_length >= 1 and "
                        + "sampling, got prompt_length " + s.getPromptLength() + (s.hasSampling() ? "" : " and no sampling"));
            }
            state = new SequenceState(s.getRequestId(), s.getExternalId(), s.getPromptLength(),
                    SamplingWire.decode(s.getSampling()));
            sequences.put(s.getRequestId(), state);
        } else {
            state = sequences.get(s.getRequestId());
            if (state == null) {
                throw new IllegalArgumentException(where + " continues at position " + s.getStart()
                        + " but this worker holds no such sequence");
            }
            if (state.numTokens != s.getStart()) {
                throw new IllegalArgumentException(where + " (" + state.externalId + ") continues at position " + s.getStart()
                        + " but this worker holds " + state.numTokens + " of its tokens");
            }
        }
        state.append(s);
        return state;
    }

    private static Phase phase(SubmitBatch b) {
        try {
            return Phase.valueOf(b.getPhase());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("batch " + b.getBatchId() + ": unknown phase '" + b.getPhase() + "'", e);
        }
    }
}
