package org.tdpipe.runtime;

import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.model.llama.BatchLayout;
import org.tdpipe.model.llama.HiddenStates;
import org.tdpipe.model.llama.LayerRange;
import org.tdpipe.model.llama.StepOutput;

/**
 * The work of one pipeline stage on a batch, in three steps a {@link StageWorker} calls from its
 * thread: {@link #prepare} from the metadata (before activations arrive), {@link #forward} through
 * the stage's layers, and on the last stage {@link #sample}. Failures are exceptions whose message
 * names the problem; they fail the batch, not the stage.
 */
public interface StageComputation extends AutoCloseable {
    LayerRange range();

    /** Reads what the batch feeds (tokens, positions, block tables). */
    BatchLayout prepare(StepBatch batch);

    /** Runs the stage's layers; the first stage embeds the batch's tokens and gets a null {@code input}. */
    HiddenStates forward(BatchLayout layout, HiddenStates input);

    /** Last stage only: logits of the sampled rows, then one token per sampling sequence. */
    StepOutput sample(BatchLayout layout, HiddenStates hidden);

    /** Releases the stage's kernel threads. */
    @Override
    void close();
}
