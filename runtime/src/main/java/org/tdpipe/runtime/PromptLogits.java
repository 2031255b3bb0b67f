package org.tdpipe.runtime;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.model.format.ModelConfig;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.HiddenStates;
import org.tdpipe.model.llama.LayerRange;
import org.tdpipe.model.step.BatchLayout;
import org.tdpipe.model.step.Ints;
import org.tdpipe.model.step.SamplingSettings;
import org.tdpipe.model.step.SequenceStart;
import org.tdpipe.model.step.SequenceStep;
import org.tdpipe.model.step.StepInput;

/**
 * The logits a model gives at every position of one prompt, fed as a single prefill step through
 * the stages of a layer split (llama.cpp's {@code logits_all}), for parity checks against other
 * engines. The stages run one after the other, each loaded only while it computes.
 */
public final class PromptLogits {
    private static final int BLOCK_SIZE = 16;

    private PromptLogits() {
    }

    /** One row of {@code vocabSize} logits per id of {@code promptIds}, each stage on {@code threadsPerStage} threads. */
    public static float[][] compute(ModelSource source, List<LayerRange> ranges, int threadsPerStage, int[] promptIds) {
        ModelConfig config = source.config();
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("no token ids to evaluate");
        }
        if (promptIds.length > config.contextLength()) {
            throw new IllegalArgumentException(promptIds.length + " token ids are more than the context length "
                    + config.contextLength() + " of the model");
        }
        for (int id : promptIds) {
            if (id < 0 || id >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + config.vocabSize());
            }
        }
        int blocks = (promptIds.length + BLOCK_SIZE - 1) / BLOCK_SIZE;
        StageResources resources = new StageResources(blocks, BLOCK_SIZE, threadsPerStage, 0);
        SequenceStart start = new SequenceStart("logits", promptIds.length, SamplingSettings.GREEDY, Ints.EMPTY);
        SequenceStep prompt = new SequenceStep(0, 0, Ints.of(promptIds), Ints.of(IntStream.range(0, blocks).toArray()), true,
                Optional.of(start));
        StepInput step = new StepInput(0, Phase.PREFILL, 0, List.of(prompt), List.of());
        HiddenStates hidden = null;
        float[] logits = null;
        for (LayerRange range : ranges) {
            try (LlamaStageComputation stage = LlamaStageComputation.load(source, range, resources)) {
                BatchLayout layout = stage.prepare(step);
                hidden = stage.forward(layout, hidden);
                if (range.isLast()) {
                    logits = stage.logitsOfEveryRow(hidden);
                }
            }
        }
        int vocab = config.vocabSize();
        float[][] rows = new float[promptIds.length][];
        for (int pos = 0; pos < rows.length; pos++) {
            rows[pos] = Arrays.copyOfRange(logits, pos * vocab, (pos + 1) * vocab);
        }
        return rows;
    }
}
