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
 * token through the paged cache. A stage may be one rank of a tensor-parallel group
 * ({@link TensorShard}): it then holds its share of the heads and FFN columns, its KV heads' cache,
 * and sums the attention and FFN outputs with the other ranks through an {@link AllReduce}.
 */
public final class LlamaStage implements StageModel {
    private final ModelConfig config;
    private final StageWeights weights;
    private final KvCache cache;
    private final Parallel parallel;
    private final Rope rope;
    private final PagedAttention attention;
    private final TensorShard shard;
    private final AllReduce allReduce;

    public LlamaStage(ModelConfig config, StageWeights weights, KvCache cache, Parallel parallel) {
        this(config, weights, cache, parallel, TensorShard.WHOLE, AllReduce.NONE);
    }

    /** Rank {@code shard} of a tensor-parallel stage, whose weights and cache were made for that shard. */
    public LlamaStage(ModelConfig config, StageWeights weights, KvCache cache, Parallel parallel, TensorShard shard,
            AllReduce allReduce) {
        if (cache.numLayers() != weights.range().size()) {
            throw new IllegalArgumentException("KV cache has " + cache.numLayers() + " layers but the stage holds "
                    + weights.range().size());
        }
        if (cache.kvDim() != shard.kvHeads(config) * config.headDim()) {
            throw new IllegalArgumentException("KV cache slot of " + cache.kvDim() + " floats does not match "
                    + shard.kvHeads(config) + " KV heads x " + config.headDim());
        }
        this.config = config;
        this.weights = weights;
        this.cache = cache;
        this.parallel = parallel;
        this.shard = shard;
        this.allReduce = allReduce;
        this.rope = Rope.of(config);
        this.attention = new PagedAttention(shard.heads(config), shard.kvHeads(config), config.headDim());
        for (LayerWeights w : weights.layers()) {
            for (Matrix m : List.of(w.wq(), w.wk(), w.wv(), w.wo(), w.gate(), w.up(), w.down())) {
                m.prepareProducts(parallel);
            }
        }
        weights.lmHead().ifPresent(m -> m.prepareProducts(parallel));
    }

    @Override
    public LayerRange range() {
        return weights.range();
    }

    public KvCache cache() {
        return cache;
    }

    @Override
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

    @Override
    public HiddenStates forward(BatchLayout layout, HiddenStates input) {
        if (input.numTokens() != layout.numTokens() || input.dim() != config.dim()) {
            throw new IllegalArgumentException("stage " + range() + " got hidden states " + input.numTokens() + " x "
                    + input.dim() + " for a batch of " + layout.numTokens() + " tokens of dim " + config.dim());
        }
        cache.requireBlocksInRange(layout);
        int n = layout.numTokens();
        int dim = config.dim();
        int heads = shard.heads(config);
        int kvHeads = shard.kvHeads(config);
        int qDim = heads * config.headDim();
        int kvDim = kvHeads * config.headDim();
        int hidden = shard.hidden(config);
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
            rope.apply(q, n, heads, angles);
            rope.apply(k, n, kvHeads, angles);
            cache.write(l, layout, k, v);
            attention.attend(q, att, layout, cache, l, parallel);
            w.wo().multiply(att, n, o, parallel);
            allReduce.sum(o, n * dim);
            Vectors.addInPlace(x, o, n * dim);

            LayerMath.rmsNorm(x, w.ffnNorm(), config.rmsNormEps(), n, dim, xb);
            w.gate().multiply(xb, n, gate, parallel);
            w.up().multiply(xb, n, up, parallel);
            LayerMath.swiGlu(gate, up, n * hidden);
            w.down().multiply(gate, n, o, parallel);
            allReduce.sum(o, n * dim);
            Vectors.addInPlace(x, o, n * dim);
        }
        return input;
    }

    @Override
    public float[] logitsOfEveryRow(HiddenStates hidden) {
        return logits(hidden, IntStream.range(0, hidden.numTokens()).toArray());
    }

    @Override
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
