package org.tdpipe.model.format;

/**
 * Architecture hyper-parameters of a Llama-family model.
 *
 * @param architecture "llama", "mistral" or "qwen2"
 * @param ropeTheta RoPE base frequency
 * @param ropeScaling Llama-3 style frequency scaling, or {@code null}
 * @param qkvBias whether attention q/k/v projections have biases (Qwen2)
 * @param tiedEmbeddings whether the LM head reuses the token embedding
 */
public record ModelConfig(
        String architecture,
        int dim,
        int hiddenDim,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        int vocabSize,
        int contextLength,
        float rmsNormEps,
        float ropeTheta,
        RopeScaling ropeScaling,
        boolean qkvBias,
        boolean tiedEmbeddings) {

    /** Llama-3.1 RoPE scaling parameters ({@code rope_scaling} with {@code rope_type: llama3}). */
    public record RopeScaling(float factor, float lowFreqFactor, float highFreqFactor, int originalContextLength) {
    }
}
