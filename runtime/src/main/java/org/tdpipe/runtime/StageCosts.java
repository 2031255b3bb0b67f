package org.tdpipe.runtime;

import java.util.Arrays;
import org.tdpipe.model.format.ModelConfig;

/**
 * Estimated work per fed token, in multiply-adds, of the pieces a stage can hold: each transformer
 * layer (its weight matrices), the embedding lookup (one row copy, on the first stage) and the LM
 * head (vocab × dim per sampled token, on the last stage).
 *
 * @param layers cost of each layer, in order
 * @param embedding cost of the embedding lookup
 * @param head cost of the final norm and LM head, already weighted by the share of fed tokens that are sampled
 */
public record StageCosts(double[] layers, double embedding, double head) {
    public StageCosts {
        layers = layers.clone();
        if (layers.length == 0) {
            throw new IllegalArgumentException("a model needs at least one layer");
        }
    }

    /**
     * The costs of a Llama-family model. {@code sampledShare}: fraction of fed tokens whose logits
     * are computed — 1 in a decode batch, about 1/prompt length in a prefill batch; a request of
     * {@code in} prompt and {@code out} output tokens samples {@code out} of its {@code in + out}.
     */
    public static StageCosts of(ModelConfig c, double sampledShare) {
        if (!(sampledShare >= 0 && sampledShare <= 1)) {
            throw new IllegalArgumentException("sampled share must be in [0, 1], got " + sampledShare);
        }
        long qDim = (long) c.numHeads() * c.headDim();
        long kvDim = (long) c.numKvHeads() * c.headDim();
        double layer = c.dim() * qDim + 2.0 * c.dim() * kvDim + qDim * c.dim() + 3.0 * c.dim() * c.hiddenDim();
        double[] layers = new double[c.numLayers()];
        Arrays.fill(layers, layer);
        return new StageCosts(layers, c.dim(), sampledShare * c.vocabSize() * (double) c.dim());
    }

    public int numLayers() {
        return layers.length;
    }

    public double layer(int i) {
        return layers[i];
    }
}
