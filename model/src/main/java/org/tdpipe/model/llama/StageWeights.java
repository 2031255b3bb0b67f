package org.tdpipe.model.llama;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tdpipe.model.format.ModelConfig;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.tensor.Matrix;
import org.tdpipe.model.tensor.TensorArrays;

/**
 * The weights one stage needs for its {@link LayerRange}: the token embedding on the first stage,
 * its blocks, and the final norm and LM head on the last. Tensors of other layers are never opened.
 * The LM head is {@code output.weight}, or the token embedding when the model ties them.
 */
public record StageWeights(
        LayerRange range,
        Optional<Matrix> embedding,
        List<LayerWeights> layers,
        Optional<float[]> outputNorm,
        Optional<Matrix> lmHead) {

    public static StageWeights load(ModelSource source, LayerRange range) {
        return load(source, range, TensorShard.WHOLE);
    }

    /**
     * What tensor-parallel rank {@code shard} of the stage holds: its part of every block, the whole
     * embedding on the first stage (every rank embeds), and the LM head on the leader rank only.
     */
    public static StageWeights load(ModelSource source, LayerRange range, TensorShard shard) {
        ModelConfig c = source.config();
        TensorShard.requireDivides(c, shard.size());
        if (range.total() != c.numLayers()) {
            throw new IllegalArgumentException(source.location() + ": stage range " + range + " does not match the model's "
                    + c.numLayers() + " layers");
        }
        Optional<Matrix> embedding = range.isFirst()
                ? Optional.of(LayerWeights.matrix(source, "token_embd.weight", c.vocabSize(), c.dim()))
                : Optional.empty();
        List<LayerWeights> layers = new ArrayList<>(range.size());
        for (int l = range.from(); l < range.to(); l++) {
            layers.add(LayerWeights.load(source, c, l, shard));
        }
        Optional<float[]> outputNorm = Optional.empty();
        Optional<Matrix> lmHead = Optional.empty();
        if (range.isLast() && shard.isLeader()) {
            outputNorm = Optional.of(TensorArrays.floats(source.require("output_norm.weight"), c.dim()));
            String head = source.tensor("output.weight").isPresent() ? "output.weight" : "token_embd.weight";
            lmHead = Optional.of(LayerWeights.matrix(source, head, c.vocabSize(), c.dim()));
        }
        return new StageWeights(range, embedding, List.copyOf(layers), outputNorm, lmHead);
    }
}
