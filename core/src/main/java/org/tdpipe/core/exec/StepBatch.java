package org.tdpipe.core.exec;

import java.util.List;

/**
 * The metadata of one micro-batch, sent to every stage when it is launched (DESIGN §2.1).
 *
 * @param id unique, increasing in launch order
 * @param phase what the batch computes
 * @param seqs the sequences and the token slices they feed
 * @param stream which scheduler stream issued it (the virtual engine in pp-vllm; 0 otherwise)
 */
public record StepBatch(long id, Phase phase, List<ScheduledSeq> seqs, int stream) {
    public StepBatch {
        seqs = List.copyOf(seqs);
        if (seqs.isEmpty()) {
            throw new IllegalArgumentException("batch " + id + " is empty");
        }
    }

    public int numTokens() {
        int n = 0;
        for (ScheduledSeq s : seqs) {
            n += s.numTokens();
        }
        return n;
    }

    public int numSampled() {
        int n = 0;
        for (ScheduledSeq s : seqs) {
            n += s.samples() ? 1 : 0;
        }
        return n;
    }
}
