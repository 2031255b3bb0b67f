package org.tdpipe.model.format;

/**
 * Architecture hyper-parameters of a Llama-family model.
 *
 * @param architecture "llama", "mistral" or "qwen2"
 * @param headDim size of one attention head (usually {@code dim / numHeads})
 * @param ropeTheta RoPE base frequency
 * @param ropeScaling Llama-3 style frequency scaling, or {@code null}
 * @param qkvBias whether attention q/k/v projections have biases (Qwen2)
 * @param tiedEmbeddings whether the LM head reuses the token embedding ({@code output.weight} is absent)
 * @param ropeHalfSplit which dimensions RoPE rotates together, i.e. the layout of the rows of the Q and K
 *     weights within each head. {@code false}: adjacent pairs {@code (2i, 2i+1)} — llama2.c and GGUF
 *     "llama" files (llama.cpp's converter permutes Hugging Face Q/K rows into this layout).
 *     {@code true}: half-split pairs {@code (i, i + headDim/2)} — Hugging Face checkpoints (read as they
 *     are, without copying) and GGUF "qwen2" files (llama.cpp's NEOX rope type). Both give the same
 *     model; the forward pass must rotate the pairs this flag names.
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
        boolean tiedEmbeddings,
        boolean ropeHalfSplit) {

    /** A configuration whose Q/K rows are in the adjacent-pairs RoPE layout ({@code ropeHalfSplit = false}). */
    public ModelConfig(String architecture, int dim, int hiddenDim, int numLayers, int numHeads, int numKvHeads,
            int headDim, int vocabSize, int contextLength, float rmsNormEps, float ropeTheta, RopeScaling ropeScaling,
            boolean qkvBias, boolean tiedEmbeddings) {
        this(architecture, dim, hiddenDim, numLayers, numHeads, numKvHeads, headDim, vocabSize, contextLength,
                rmsNormEps, ropeTheta, ropeScaling, qkvBias, tiedEmbeddings, false);
    }

    /** Llama-3.1 RoPE scaling parameters ({@code rope_scaling} with {@code rope_type: llama3}). */
    public record RopeScaling(float factor, float lowFreqFactor, float highFreqFactor, int originalContextLength) {
    }
}
