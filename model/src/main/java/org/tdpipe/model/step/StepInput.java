package org.tdpipe.model.step;

import java.util.List;
import org.tdpipe.core.exec.Phase;

/**
 * One step of the pipeline as every stage receives it, the same value in this process and on the
 * wire (vLLM's {@code SchedulerOutput}): plain, immutable data. Each sequence's share is a delta
 * against its previous step, which the stage's {@link SequenceTable} keeps; sequences finished or
 * preempted since the previous step are released first.
 *
 * @param batchId unique, increasing in launch order
 * @param phase what the step computes
 * @param stream which scheduler stream issued it (the virtual engine in pp-vllm; 0 otherwise)
 * @param seqs the sequences fed, in batch order
 * @param released ids of the sequences the stages forget before this step
 */
public record StepInput(long batchId, Phase phase, int stream, List<SequenceStep> seqs, List<Long> released) {
    public StepInput {
        seqs = List.copyOf(seqs);
        released = List.copyOf(released);
        if (seqs.isEmpty()) {
            throw new IllegalArgumentException("batch " + batchId + " is empty");
        }
    }

    /** Tokens fed by the whole step. */
    public int numTokens() {
        return seqs.stream().mapToInt(s -> s.tokens().length()).sum();
    }

    /** Sequences whose next token this step samples. */
    public int numSampled() {
        return (int) seqs.stream().filter(SequenceStep::samples).count();
    }
}
