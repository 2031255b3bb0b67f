package org.tdpipe.model.llama;

import java.util.List;
import java.util.stream.IntStream;
import org.tdpipe.model.format.ModelConfig;
import org.tdpipe.model.step.BatchLayout;
import org.tdpipe.model.tensor.Matrix;
import org.tdpipe.model.tensor.Parallel;
import org.tdpipe.model.tensor.Vectors;

/**
 * One pipeline stage of a Llama-family model (Llama 2/3, Mistral, Qwen2): its layer slice, the KV
 * cache of those layers, and — on the first / last stage — the embedding / final norm and LM head.
 * It executes a whole mixed batch (prefill chunks and decode tokens of many sequences) at once:
 * the projections run as one matrix-matrix product over all the batch's tokens, attention per
 * token through the paged cache.
 */
public final class LlamaStage {
    private final ModelConfig config;
    private final StageWeights weights;
    private final KvCache cache;
    private final Parallel parallel;
    private final Rope rope;
    private final PagedAttention attention;

    public LlamaStage(ModelConfig config, StageWeights weights, KvCache cache, Parallel parallel) {
        if (cache.numLayers() != weights.range().size()) {
            throw new IllegalArgumentException("KV cache has " + cache.numLayers() + " layers but the stage holds "
                    + weights.range().size());
        }
        if (cache.kvDim() != config.numKvHeads() * config.headDim()) {
            throw new IllegalArgumentException("KV cache slot of " + cache.kvDim() + " floats does not match "
                    + config.numKvHeads() + " KV heads x " + config.headDim());
        }
        this.config = config;
        this.weights = weights;
        this.cache = cache;
        this.parallel = parallel;
        this.rope = Rope.of(config);
        this.attention = new PagedAttention(config.numHeads(), config.numKvHeads(), config.headDim());
        for (LayerWeights w : weights.layers()) {
            for (Matrix m : List.of(w.wq(), w.wk(), w.wv(), w.wo(), w.gate(), w.up(), w.down())) {
                m.prepareProducts(parallel);
            }
        }
        weights.lmHead().ifPresent(m -> m.prepareProducts(parallel));
    }

    public LayerRange range() {
        return weights.range();
    }

    public KvCache cache() {
        return cache;
    }

    /** First stage only: the token embeddings of the batch's rows. */
    public HiddenStates embed(BatchLayout layout) {
        Matrix embedding = weights.embedding().orElseThrow(() -> new IllegalStateException(
                "stage " + range() + " is not the first stage and has no token embedding"));
        int dim = config.dim();
        float[] x = new float[layout.numTokens() * dim];
        for (int row = 0; row < layout.numTokens(); row++) {
            int token = layout.token(row);
            if (token < 0 || token >= config.vocabSize()) {
                throw new IllegalArgumentException("request " + layout.externalId(layout.seqOfRow(row))
                        + ": token id " + token + " is outside the vocabulary of " + config.vocabSize());
            }
            embedding.readRow(token, x, row * dim);
        }
        return new HiddenStates(layout.numTokens(), dim, x);
    }

    /**
     * Runs this stage's layers over the batch, writing the KV of its tokens into the cache, and
     * returns the updated residual stream (the same array, updated in place).
     */
    public HiddenStates forward(BatchLayout layout, HiddenStates input) {
        if (input.numTokens() != layout.numTokens() || input.dim() != config.dim()) {
            throw new IllegalArgumentException("stage " + range() + " got hidden states " + input.numTokens() + " x "
                    + input.dim() + " for a batch of " + layout.numTokens() + " tokens of dim " + config.dim());
        }
        cache.requireBlocksInRange(layout);
        int n = layout.numTokens();
        int dim = config.dim();
        int qDim = config.numHeads() * config.headDim();
        int kvDim = config.numKvHeads() * config.headDim();
        int hidden = config.hiddenDim();
        float[] x = input.data();
        float[] xb = new float[n * dim];
        float[] q = new float[n * qDim];
        float[] k = new float[n * kvDim];
        float[] v = new float[n * kvDim];
        float[] att = new float[n * qDim];
        float[] o = new float[n * dim];
        float[] gate = new float[n * hidden];
        float[] up = new float[n * hidden];
        Rope.Angles angles = rope.angles(layout);
        for (int l = 0; l < weights.layers().size(); l++) {
            LayerWeights w = weights.layers().get(l);
            LayerMath.rmsNorm(x, w.attnNorm(), config.rmsNormEps(), n, dim, xb);
            w.wq().multiply(xb, n, q, parallel);
            w.wk().multiply(xb, n, k, parallel);
            w.wv().multiply(xb, n, v, parallel);
            LayerMath.addBias(q, w.bq(), n);
            LayerMath.addBias(k, w.bk(), n);
            LayerMath.addBias(v, w.bv(), n);
            rope.apply(q, n, config.numHeads(), angles);
            rope.apply(k, n, config.numKvHeads(), angles);
            cache.write(l, layout, k, v);
            attention.attend(q, att, layout, cache, l, parallel);
            w.wo().multiply(att, n, o, parallel);
            Vectors.addInPlace(x, o, n * dim);

            LayerMath.rmsNorm(x, w.ffnNorm(), config.rmsNormEps(), n, dim, xb);
            w.gate().multiply(xb, n, gate, parallel);
            w.up().multiply(xb, n, up, parallel);
            LayerMath.swiGlu(gate, up, n * hidden);
            w.down().multiply(gate, n, o, parallel);
            Vectors.addInPlace(x, o, n * dim);
        }
        return input;
    }

    /** Last stage only: logits ({@code numTokens × vocab}) of every row, for parity checks against other engines. */
    public float[] logitsOfEveryRow(HiddenStates hidden) {
        return logits(hidden, IntStream.range(0, hidden.numTokens()).toArray());
    }

    /** Last stage only: logits ({@code rows.length × vocab}) of these rows after the final norm. */
    public float[] logits(HiddenStates hidden, int[] rowsOfHidden) {
        Matrix head = weights.lmHead().orElseThrow(() -> new IllegalStateException(
                "stage " + range() + " is not the last stage and has no LM head"));
        float[] norm = weights.outputNorm().orElseThrow();
        int dim = config.dim();
        int s = rowsOfHidden.length;
        float[] rows = new float[s * dim];
        for (int i = 0; i < s; i++) {
            System.arraycopy(hidden.data(), rowsOfHidden[i] * dim, rows, i * dim, dim);
        }
        LayerMath.rmsNorm(rows, norm, config.rmsNormEps(), s, dim, rows);
        float[] logits = new float[s * config.vocabSize()];
        head.multiply(rows, s, logits, parallel);
        return logits;
    }
}
