package org.tdpipe.sim.cost;

import org.tdpipe.sim.hw.GpuSpec;
import org.tdpipe.sim.model.ModelShape;

/**
 * Roofline times of the operators of a transformer forward on one GPU that holds a
 * {@code 1/shards} slice of every layer (shards = tensor-parallel degree, 1 for a pipeline stage).
 * Operator groups, each costed as {@link RooflineEfficiency#combine}(FLOPs / peak, bytes / bandwidth):
 * <ul>
 *   <li>QKV, O, MLP-in and MLP-out projections: weights read once per batch plus activations in and out;
 *   <li>attention: causal (query, key) pairs for FLOPs; K and V of every context token read;
 *   <li>norms, residual adds, activation function and rotary embedding (memory only, as vLLM's fused kernels);
 *   <li>first-stage extra: embedding lookup; last-stage extras: final norm, the LM head GEMM for
 *       the sampled rows only, and sampling over the vocabulary in FP32.
 * </ul>
 * Per-token constants are precomputed so that a batch costs a handful of multiplications.
 */
public final class TransformerRoofline {
    private static final int B = ModelShape.BYTES_PER_VALUE;

    private final ModelShape model;
    private final RooflineEfficiency eff;
    /** Per projection g: memory ns for its weights, memory ns per token, compute ns per token. */
    private final double[] gemmWeightNs;
    private final double[] gemmActNsPerToken;
    private final double[] gemmFlopNsPerToken;
    private final double attentionNsPerPair;
    private final double attentionKvNsPerToken;
    private final double attentionQoNsPerToken;
    private final double elementwiseNsPerToken;
    private final double embeddingNsPerToken;
    private final double finalNormNsPerToken;
    private final double lmHeadWeightNs;
    private final double lmHeadActNsPerRow;
    private final double lmHeadFlopNsPerRow;
    private final double samplingNsPerRow;

    public TransformerRoofline(GpuSpec gpu, ModelShape model, RooflineEfficiency eff, int shards) {
        this.model = model;
        this.eff = eff;
        checkShards(model, shards);
        double flopNs = 1e9 / (gpu.peakFlopsPerSecond() * eff.computeEfficiency());
        double byteNs = 1e9 / (gpu.bandwidthBytesPerSecond() * eff.memoryEfficiency());
        int h = model.hidden();
        double q = (double) model.queryDim() / shards;
        double qkvOut = q + 2.0 * kvHeadsPerShard(model, shards) * model.headDim();
        double up = (double) model.mlpUpWidth() / shards;
        double inter = (double) model.intermediate() / shards;
        // per projection: weight parameters held by this GPU; input + output width read and written
        double[] params = {
            (h + (model.qkvBias() ? 1 : 0)) * qkvOut,
            model.outProjParamsPerLayer() / (double) shards,
            model.mlpUpParamsPerLayer() / (double) shards,
            model.mlpDownParamsPerLayer() / (double) shards,
        };
        double[] ioWidth = {h + qkvOut, q + h, h + up, inter + h};
        gemmWeightNs = new double[params.length];
        gemmActNsPerToken = new double[params.length];
        gemmFlopNsPerToken = new double[params.length];
        for (int g = 0; g < params.length; g++) {
            gemmWeightNs[g] = params[g] * B * byteNs;
            gemmActNsPerToken[g] = ioWidth[g] * B * byteNs;
            gemmFlopNsPerToken[g] = 2 * params[g] * flopNs;
        }
        attentionNsPerPair = 4 * q * flopNs;
        attentionKvNsPerToken = 2.0 * kvHeadsPerShard(model, shards) * model.headDim() * B * byteNs;
        attentionQoNsPerToken = 2 * q * B * byteNs;
        // two fused add+norm (read x and residual, write both), SiLU·mul (read 2, write 1) or
        // ReLU (read 1, write 1), rotary embedding in place on Q and K
        double actValues = model.gatedMlp() ? 3 * inter : 2 * inter;
        double rotaryValues = 2 * (q + kvHeadsPerShard(model, shards) * model.headDim());
        elementwiseNsPerToken = (8.0 * h + actValues + rotaryValues) * B * byteNs;
        embeddingNsPerToken = 2.0 * h * B * byteNs;
        finalNormNsPerToken = 4.0 * h * B * byteNs;
        double lmParams = model.lmHeadParams() / (double) shards;
        lmHeadWeightNs = lmParams * B * byteNs;
        lmHeadActNsPerRow = (h + (double) model.vocab() / shards) * B * byteNs;
        lmHeadFlopNsPerRow = 2 * lmParams * flopNs;
        // logits to FP32, softmax (read, write), sampling pass: ~3 passes of 4-byte values
        samplingNsPerRow = 3.0 * model.vocab() * 4 * byteNs;
    }

    public ModelShape model() {
        return model;
    }

    /** KV heads on one GPU: split evenly, or one replicated head when there are fewer than GPUs (vLLM). */
    public static int kvHeadsPerShard(ModelShape model, int shards) {
        return Math.max(1, model.numKvHeads() / shards);
    }

    /** Rejects tensor-parallel degrees that vLLM cannot shard the heads over. */
    public static void checkShards(ModelShape model, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("number of tensor-parallel shards must be >= 1, got " + shards);
        }
        if (model.numHeads() % shards != 0) {
            throw new IllegalArgumentException(model.name() + ": " + model.numHeads()
                    + " attention heads do not split evenly over " + shards + " GPUs");
        }
        int kv = model.numKvHeads();
        if (kv % shards != 0 && shards % kv != 0) {
            throw new IllegalArgumentException(model.name() + ": " + kv + " KV heads can neither be split over nor replicated on "
                    + shards + " GPUs");
        }
    }

    /** Time of one transformer layer on this GPU. */
    public double layerNanos(BatchLoad load) {
        int n = load.numTokens();
        double t = 0;
        for (int g = 0; g < gemmWeightNs.length; g++) {
            t += eff.combine(n * gemmFlopNsPerToken[g], gemmWeightNs[g] + n * gemmActNsPerToken[g]);
        }
        t += eff.combine(load.attentionPairs() * attentionNsPerPair,
                load.kvTokensRead() * attentionKvNsPerToken + n * attentionQoNsPerToken);
        t += n * elementwiseNsPerToken;
        return t;
    }

    /** The least time a forward over {@code layers} layers takes: the host launching their kernels. */
    public double launchFloorNanos(int layers) {
        return layers * eff.launchMicrosPerLayer() * 1e3;
    }

    /** Embedding lookup (first stage only). */
    public double firstStageExtraNanos(BatchLoad load) {
        return load.numTokens() * embeddingNsPerToken;
    }

    /** Final norm, LM head over the sampled rows and sampling (last stage only). */
    public double lastStageExtraNanos(BatchLoad load) {
        int s = load.numSampled();
        double t = load.numTokens() * finalNormNsPerToken;
        if (s > 0) {
            t += eff.combine(s * lmHeadFlopNsPerRow, lmHeadWeightNs + s * lmHeadActNsPerRow) + s * samplingNsPerRow;
        }
        return t;
    }
}
