package org.tdpipe.runtime.grpc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.kv.BlockTableCopy;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.runtime.grpc.proto.Sampling;
import org.tdpipe.runtime.grpc.proto.Sequence;
import org.tdpipe.runtime.grpc.proto.SubmitBatch;

/**
 * A batch's metadata on the wire. Each sequence carries its request's tokens up to the end of the
 * slice it feeds (the sampler's penalties read the history), its block table and sampling
 * parameters; the worker rebuilds a stand-in {@link Request} from them.
 */
final class BatchWire {
    private BatchWire() {
    }

    static SubmitBatch encode(StepBatch batch) {
        SubmitBatch.Builder b = SubmitBatch.newBuilder().setBatchId(batch.id()).setPhase(batch.phase().name())
                .setStream(batch.stream());
        for (ScheduledSeq seq : batch.seqs()) {
            Request r = seq.request();
            Sequence.Builder s = Sequence.newBuilder().setRequestId(r.id()).setExternalId(r.externalId())
                    .setPromptLength(r.promptLength()).setStart(seq.start()).setNumTokens(seq.numTokens())
                    .setSamples(seq.samples()).setSampling(encode(r.sampling()));
            for (int t : r.tokens(0, seq.contextLength())) {
                s.addTokens(t);
            }
            for (int block : r.blockTable().toArray()) {
                s.addBlockTable(block);
            }
            b.addSeqs(s);
        }
        return b.build();
    }

    private static Sampling encode(SamplingParams p) {
        Sampling.Builder b = Sampling.newBuilder().setMaxTokens(p.maxTokens()).setTemperature(p.temperature())
                .setTopP(p.topP()).setTopK(p.topK()).setMinP(p.minP()).setRepetitionPenalty(p.repetitionPenalty())
                .setPresencePenalty(p.presencePenalty()).setFrequencyPenalty(p.frequencyPenalty()).setLogprobs(p.logprobs());
        if (p.seed() != null) {
            b.setHasSeed(true).setSeed(p.seed());
        }
        return b.build();
    }

    /** The batch as the worker's stage computes it; bad metadata fails with a message naming the field. */
    static StepBatch decode(SubmitBatch b) {
        List<ScheduledSeq> seqs = new ArrayList<>(b.getSeqsCount());
        for (Sequence s : b.getSeqsList()) {
            seqs.add(new ScheduledSeq(request(b.getBatchId(), s), s.getStart(), s.getNumTokens(), s.getSamples()));
        }
        return new StepBatch(b.getBatchId(), phase(b), seqs, b.getStream());
    }

    private static Phase phase(SubmitBatch b) {
        try {
            return Phase.valueOf(b.getPhase());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("batch " + b.getBatchId() + ": unknown phase '" + b.getPhase() + "'", e);
        }
    }

    private static Request request(long batchId, Sequence s) {
        int[] tokens = s.getTokensList().stream().mapToInt(Integer::intValue).toArray();
        if (s.getPromptLength() < 1 || tokens.length != s.getStart() + s.getNumTokens()) {
            throw new IllegalArgumentException("batch " + batchId + ", request " + s.getExternalId() + ": " + tokens.length
                    + " tokens for a slice ending at " + (s.getStart() + s.getNumTokens()) + " (prompt " + s.getPromptLength() + ")");
        }
        int prompt = Math.min(s.getPromptLength(), tokens.length);
        Request r = new Request(s.getRequestId(), s.getExternalId(), Arrays.copyOf(tokens, prompt), decode(s.getSampling()), 0);
        r.markRunning(0);
        for (int i = prompt; i < tokens.length; i++) {
            r.appendToken(tokens[i], 0);
        }
        BlockTableCopy.fill(r.blockTable(), s.getBlockTableList().stream().mapToInt(Integer::intValue).toArray());
        return r;
    }

    private static SamplingParams decode(Sampling p) {
        return new SamplingParams(p.getMaxTokens(), p.getTemperature(), p.getTopP(), p.getTopK(), p.getMinP(),
                p.getHasSeed() ? p.getSeed() : null, p.getRepetitionPenalty(), p.getPresencePenalty(),
                p.getFrequencyPenalty(), false, List.of(), List.of(), p.getLogprobs());
    }
}
