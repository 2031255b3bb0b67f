package org.tdpipe.sim.model;

/**
 * The shape of a decoder-only transformer, as in its HF {@code config.json}, and the sizes the
 * cost and memory models derive from it. FP16/BF16 weights and KV cache (2 bytes per value).
 *
 * <p>Llama-family models have a gated MLP (gate, up, down: 3 matrices, SiLU(gate)·up) and RMSNorm;
 * OPT has a plain MLP (fc1, ReLU, fc2: 2 matrices). Biases other than the QKV bias (OPT has them on
 * every linear layer) and OPT's learned position embeddings are left out: they are under 2% of
 * OPT-125m's parameters and nothing for the larger models.
 *
 * @param qkvBias whether Q/K/V projections carry a bias (Qwen2)
 * @param gatedMlp SwiGLU-style MLP with 3 matrices (Llama, Qwen) rather than 2 (OPT)
 * @param tiedEmbeddings the LM head reuses the input embedding (OPT) instead of its own matrix
 */
public record ModelShape(
        String name,
        int layers,
        int hidden,
        int numHeads,
        int numKvHeads,
        int headDim,
        int intermediate,
        int vocab,
        boolean qkvBias,
        boolean gatedMlp,
        boolean tiedEmbeddings) {

    public static final int BYTES_PER_VALUE = 2;

    public ModelShape {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("model name must not be blank");
        }
        requirePositive(layers, "layers", name);
        requirePositive(hidden, "hidden size", name);
        requirePositive(numHeads, "attention heads", name);
        requirePositive(numKvHeads, "KV heads", name);
        requirePositive(headDim, "head dim", name);
        requirePositive(intermediate, "FFN intermediate size", name);
        requirePositive(vocab, "vocabulary size", name);
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException(name + ": " + numHeads + " attention heads are not a multiple of "
                    + numKvHeads + " KV heads");
        }
    }

    /** Width of the attention output: query heads × head dim. */
    public int queryDim() {
        return numHeads * headDim;
    }

    /** Width of K (or V): KV heads × head dim. */
    public int kvDim() {
        return numKvHeads * headDim;
    }

    public long qkvParamsPerLayer() {
        return (long) hidden * (queryDim() + 2L * kvDim()) + (qkvBias ? queryDim() + 2L * kvDim() : 0);
    }

    public long outProjParamsPerLayer() {
        return (long) queryDim() * hidden;
    }

    /** MLP input projections: gate and up (gated) or fc1. */
    public long mlpUpParamsPerLayer() {
        return (long) hidden * mlpUpWidth();
    }

    /** MLP output projection: down or fc2. */
    public long mlpDownParamsPerLayer() {
        return (long) intermediate * hidden;
    }

    /** Output width of the MLP's input projections: 2 × intermediate when gated. */
    public int mlpUpWidth() {
        return gatedMlp ? 2 * intermediate : intermediate;
    }

    /** Two norms per layer (before attention and before the MLP). */
    public long normParamsPerLayer() {
        return 2L * hidden;
    }

    public long paramsPerLayer() {
        return qkvParamsPerLayer() + outProjParamsPerLayer() + mlpUpParamsPerLayer() + mlpDownParamsPerLayer()
                + normParamsPerLayer();
    }

    public long embeddingParams() {
        return (long) vocab * hidden;
    }

    /** LM head matrix (vocab × hidden); it computes even when tied, but is stored once then. */
    public long lmHeadParams() {
        return (long) vocab * hidden;
    }

    /** All parameters: layers, embedding, final norm and (untied) LM head. */
    public long parameterCount() {
        return layers * paramsPerLayer() + embeddingParams() + hidden + (tiedEmbeddings ? 0 : lmHeadParams());
    }

    public long weightBytes() {
        return parameterCount() * BYTES_PER_VALUE;
    }

    /** K and V of one token in one layer. */
    public long kvBytesPerTokenPerLayer() {
        return 2L * kvDim() * BYTES_PER_VALUE;
    }

    /** K and V of one token in all layers: {@code 2 × layers × kv_heads × head_dim × 2 B}. */
    public long kvBytesPerToken() {
        return layers * kvBytesPerTokenPerLayer();
    }

    /**
     * Matrix-multiply FLOPs per new token in the layers (2 per weight), excluding attention over
     * the context and the LM head.
     */
    public long linearFlopsPerToken() {
        return 2L * layers * (qkvParamsPerLayer() + outProjParamsPerLayer() + mlpUpParamsPerLayer()
                + mlpDownParamsPerLayer());
    }

    /** Attention FLOPs (QKᵀ and PV) for one new token attending over {@code context} tokens. */
    public long attentionFlopsPerToken(int context) {
        return 4L * layers * queryDim() * context;
    }

    /** LM head FLOPs for one sampled token. */
    public long lmHeadFlopsPerToken() {
        return 2L * lmHeadParams();
    }

    private static void requirePositive(int value, String what, String model) {
        if (value < 1) {
            throw new IllegalArgumentException(model + ": " + what + " must be >= 1, got " + value);
        }
    }
}
