package org.tdpipe.model.llama;

import java.util.List;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.StepResult;
import org.tdpipe.model.sampling.SampledToken;

/**
 * What one executed batch produced: a sampled token (with log-probabilities) for each sequence
 * that samples, in batch order.
 */
public record StepOutput(StepBatch batch, List<SampledToken> sampled) {
    public StepOutput {
        sampled = List.copyOf(sampled);
        if (sampled.size() != batch.numSampled()) {
            throw new IllegalArgumentException("batch " + batch.id() + " samples " + batch.numSampled()
                    + " sequences but " + sampled.size() + " tokens were sampled");
        }
    }

    /** One token per sequence of the batch, {@link StepResult#NO_TOKEN} where it does not sample. */
    public int[] tokens() {
        int[] tokens = new int[batch.seqs().size()];
        int next = 0;
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = batch.seqs().get(i).samples() ? sampled.get(next++).token() : StepResult.NO_TOKEN;
        }
        return tokens;
    }
}
