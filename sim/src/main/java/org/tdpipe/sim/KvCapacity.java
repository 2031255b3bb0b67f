package org.tdpipe.sim;

import java.util.Locale;
import org.tdpipe.sim.cost.LayerPartition;
import org.tdpipe.sim.cost.TransformerRoofline;
import org.tdpipe.sim.hw.GpuSpec;
import org.tdpipe.sim.model.ModelShape;

/**
 * The KV cache an engine gets on a set of GPUs, as vLLM computes it: on every GPU,
 * {@code blocks = floor((memory × utilization − weights − reserve) / bytes per block)}, where a
 * block holds {@code blockSize} tokens of the layers (pipeline) or heads (tensor parallel) that GPU
 * serves; the engine uses the minimum over GPUs, since one block number addresses the same slot on
 * every stage. The reserve is {@link KvCacheConfig#nonTorchBytes} plus the peak activations of a
 * {@code maxBatchedTokens} forward (residual, hidden, QKV, MLP-in and activation outputs live at
 * once) and FP32 logits and probabilities of {@code maxNumSeqs} rows on the GPU holding the LM head.
 *
 * @param numBlocks blocks usable by the scheduler
 * @param bindingGpu the GPU (stage or shard index) that limits the count
 * @param weightBytesPerGpu weights on the binding GPU
 * @param reserveBytesPerGpu activation and runtime reserve on the binding GPU
 * @param bytesPerBlockPerGpu KV bytes of one block on the binding GPU
 */
public record KvCapacity(int numBlocks, int blockSize, int bindingGpu, long weightBytesPerGpu, long reserveBytesPerGpu,
        long bytesPerBlockPerGpu) {

    /** Tokens the cache holds. */
    public long tokenCapacity() {
        return (long) numBlocks * blockSize;
    }

    /** Pipeline parallelism over {@code numGpus} stages: GPU s holds its layers' weights and KV. */
    public static KvCapacity pipeline(ModelShape model, GpuSpec gpu, int numGpus, KvCacheConfig config) {
        requireGpus(numGpus);
        KvCapacity best = null;
        for (int s = 0; s < numGpus; s++) {
            int layers = LayerPartition.layersOnStage(model.layers(), numGpus, s);
            boolean first = s == 0;
            boolean last = s == numGpus - 1;
            long params = layers * model.paramsPerLayer()
                    + (first ? model.embeddingParams() : 0)
                    + (last ? model.hidden() + (model.tiedEmbeddings() && first ? 0 : model.lmHeadParams()) : 0);
            long reserve = reserve(model, config, 1, last);
            long perBlock = (long) config.blockSize() * layers * model.kvBytesPerTokenPerLayer();
            KvCapacity c = of(model, gpu, numGpus, "stage", s, config, params * ModelShape.BYTES_PER_VALUE, reserve, perBlock);
            if (best == null || c.numBlocks < best.numBlocks) {
                best = c;
            }
        }
        return best;
    }

    /** Tensor parallelism over {@code numGpus}: every GPU holds 1/P of each weight matrix and of the KV heads. */
    public static KvCapacity tensorParallel(ModelShape model, GpuSpec gpu, int numGpus, KvCacheConfig config) {
        requireGpus(numGpus);
        TransformerRoofline.checkShards(model, numGpus);
        long weights = model.weightBytes() / numGpus;
        long reserve = reserve(model, config, numGpus, true);
        long perBlock = (long) config.blockSize() * model.layers() * 2L
                * TransformerRoofline.kvHeadsPerShard(model, numGpus) * model.headDim() * ModelShape.BYTES_PER_VALUE;
        return of(model, gpu, numGpus, "shard", 0, config, weights, reserve, perBlock);
    }

    private static KvCapacity of(ModelShape model, GpuSpec gpu, int numGpus, String role, int index, KvCacheConfig config,
            long weights, long reserve, long perBlock) {
        double usable = gpu.memoryBytes() * config.gpuMemoryUtilization();
        long blocks = (long) Math.floor((usable - weights - reserve) / perBlock);
        if (blocks <= 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s does not fit: it needs %.1f GiB of weights and %.1f GiB of activations per GPU (%s %d) on %d × %s "
                            + "(%.0f GiB, %.0f%% usable = %.1f GiB), leaving no room for the KV cache",
                    model.name(), gib(weights), gib(reserve), role, index, numGpus, gpu.name(), gpu.memoryGiB(),
                    config.gpuMemoryUtilization() * 100, gib(usable)));
        }
        return new KvCapacity((int) Math.min(Integer.MAX_VALUE, blocks), config.blockSize(), index, weights, reserve, perBlock);
    }

    private static long reserve(ModelShape model, KvCacheConfig config, int shards, boolean holdsLmHead) {
        double liveValues = 2.0 * model.hidden()
                + (model.queryDim() + 2.0 * model.kvDim()) / shards
                + (double) (model.mlpUpWidth() + model.intermediate()) / shards;
        double activations = config.maxBatchedTokens() * liveValues * ModelShape.BYTES_PER_VALUE;
        double logits = holdsLmHead ? 2.0 * config.maxNumSeqs() * model.vocab() * Float.BYTES : 0;
        return config.nonTorchBytes() + Math.round(activations + logits);
    }

    private static void requireGpus(int numGpus) {
        if (numGpus < 1) {
            throw new IllegalArgumentException("number of GPUs must be >= 1, got " + numGpus);
        }
    }

    private static double gib(double bytes) {
        return bytes / (1L << 30);
    }
}
