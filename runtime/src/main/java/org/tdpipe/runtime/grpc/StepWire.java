package org.tdpipe.runtime.grpc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.model.step.Ints;
import org.tdpipe.model.step.PromptScoring;
import org.tdpipe.model.step.SequenceStart;
import org.tdpipe.model.step.SequenceStep;
import org.tdpipe.model.step.StepInput;
import org.tdpipe.model.step.TokenMask;
import org.tdpipe.runtime.grpc.proto.Sequence;
import org.tdpipe.runtime.grpc.proto.SubmitBatch;

/**
 * A {@link StepInput} on the wire, field for field: what crosses to a worker is the very value an
 * in-process stage gets. Malformed messages fail with a message naming the batch, the request and
 * the field.
 */
final class StepWire {
    private StepWire() {
    }

    static SubmitBatch encode(StepInput step) {
        SubmitBatch.Builder b = SubmitBatch.newBuilder().setBatchId(step.batchId()).setPhase(step.phase().name())
                .setStream(step.stream()).addAllReleased(step.released());
        for (SequenceStep seq : step.seqs()) {
            Sequence.Builder s = Sequence.newBuilder().setRequestId(seq.seqId()).setStart(seq.start()).setSamples(seq.samples());
            for (int i = 0; i < seq.tokens().length(); i++) {
                s.addTokens(seq.tokens().get(i));
            }
            for (int i = 0; i < seq.newBlocks().length(); i++) {
                s.addNewBlocks(seq.newBlocks().get(i));
            }
            seq.allowed().ifPresent(mask -> s.addAllAllowedTokens(Arrays.stream(mask.words()).boxed().toList()).setHasAllowed(true));
            seq.scoring().ifPresent(scoring -> {
                s.setScoresPrompt(true).setScoreTop(scoring.top());
                for (int i = 0; i < scoring.targets().length(); i++) {
                    s.addScoreTargets(scoring.targets().get(i));
                }
            });
            seq.begins().ifPresent(start -> {
                s.setHasStart(true).setExternalId(start.externalId()).setPromptLength(start.promptLength())
                        .setSampling(SamplingWire.encode(start.sampling()));
                for (int i = 0; i < start.computed().length(); i++) {
                    s.addComputedTokens(start.computed().get(i));
                }
            });
            b.addSeqs(s);
        }
        return b.build();
    }

    static StepInput decode(SubmitBatch b) {
        List<SequenceStep> seqs = new ArrayList<>(b.getSeqsCount());
        for (Sequence s : b.getSeqsList()) {
            String where = "batch " + b.getBatchId() + ", request id " + s.getRequestId();
            if (s.getTokensCount() == 0) {
                throw new IllegalArgumentException(where + ": no tokens fed");
            }
            Optional<SequenceStart> begins = Optional.empty();
            if (s.getHasStart()) {
                if (s.getPromptLength() < 1 || !s.hasSampling()) {
                    throw new IllegalArgumentException(where + ": a sequence that starts needs prompt_length >= 1 and "
                            + "sampling, got prompt_length " + s.getPromptLength() + (s.hasSampling() ? "" : " and no sampling"));
                }
                begins = Optional.of(new SequenceStart(s.getExternalId(), s.getPromptLength(), SamplingWire.decode(s.getSampling()),
                        ints(s.getComputedTokensList())));
            }
            try {
                Optional<TokenMask> allowed = s.getHasAllowed()
                        ? Optional.of(new TokenMask(s.getAllowedTokensList().stream().mapToLong(Long::longValue).toArray()))
                        : Optional.empty();
                Optional<PromptScoring> scoring = s.getScoresPrompt()
                        ? Optional.of(new PromptScoring(s.getScoreTop(), ints(s.getScoreTargetsList())))
                        : Optional.empty();
                seqs.add(new SequenceStep(s.getRequestId(), s.getStart(), ints(s.getTokensList()), ints(s.getNewBlocksList()),
                        s.getSamples(), begins, allowed, scoring));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("batch " + b.getBatchId() + ", " + e.getMessage(), e);
            }
        }
        return new StepInput(b.getBatchId(), phase(b), b.getStream(), seqs, b.getReleasedList());
    }

    private static Ints ints(List<Integer> values) {
        int[] out = new int[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return Ints.of(out);
    }

    private static Phase phase(SubmitBatch b) {
        try {
            return Phase.valueOf(b.getPhase());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("batch " + b.getBatchId() + ": unknown phase '" + b.getPhase() + "'", e);
        }
    }
}
