package org.tdpipe.runtime;

import java.util.List;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.model.llama.HiddenStates;
import org.tdpipe.model.llama.LayerRange;
import org.tdpipe.model.step.BatchLayout;
import org.tdpipe.model.step.StepInput;

/**
 * The work of one pipeline stage on a batch, in three steps a {@link StageWorker} calls from its
 * thread: {@link #prepare} from the metadata (before activations arrive), {@link #forward} through
 * the stage's layers, and on the last stage {@link #sample}. Failures are exceptions whose message
 * names the problem; they fail the batch, not the stage.
 */
public interface StageComputation extends AutoCloseable {
    LayerRange range();

    /** Applies the step to the stage's sequences and lays out what it feeds (tokens, positions, block tables). */
    BatchLayout prepare(StepInput step);

    /** Runs the stage's layers; the first stage embeds the batch's tokens and gets a null {@code input}. */
    HiddenStates forward(BatchLayout layout, HiddenStates input);

    /**
     * Last stage only: logits of the sampled rows, then one token per sampling sequence, in batch
     * order; and the scores of the prompt tokens the layout asks to score.
     */
    LastStageOutput sample(BatchLayout layout, HiddenStates hidden);

    /** Releases the stage's kernel threads. */
    @Override
    void close();
}
