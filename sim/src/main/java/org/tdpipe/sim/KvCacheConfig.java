package org.tdpipe.sim;

/**
 * How a serving engine sizes its KV cache (vLLM's knobs and what its memory profiling run sees).
 *
 * @param gpuMemoryUtilization fraction of each GPU's memory the engine may use (vLLM default 0.9)
 * @param blockSize tokens per KV block (16)
 * @param nonTorchBytes memory outside PyTorch tensors: CUDA context, cuBLAS workspace, NCCL
 *     buffers (≈ 0.5 GiB in vLLM logs)
 * @param maxBatchedTokens tokens of the largest forward, whose activations must fit next to the
 *     cache (vLLM profiles a dummy batch of this size)
 * @param maxNumSeqs rows sampled at most in one step (logits in FP32 must fit)
 */
public record KvCacheConfig(double gpuMemoryUtilization, int blockSize, long nonTorchBytes, int maxBatchedTokens,
        int maxNumSeqs) {
    public static final KvCacheConfig DEFAULT = new KvCacheConfig(0.9, 16, 512L << 20, 2048, 256);

    public KvCacheConfig {
        if (!(gpuMemoryUtilization > 0 && gpuMemoryUtilization <= 1)) {
            throw new IllegalArgumentException("GPU memory utilization must be in (0, 1], got " + gpuMemoryUtilization);
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("KV block size must be >= 1, got " + blockSize);
        }
        if (nonTorchBytes < 0 || maxBatchedTokens < 1 || maxNumSeqs < 1) {
            throw new IllegalArgumentException("bad KV cache config: non-torch bytes " + nonTorchBytes
                    + ", max batched tokens " + maxBatchedTokens + ", max seqs " + maxNumSeqs);
        }
    }

    public KvCacheConfig withGpuMemoryUtilization(double value) {
        return new KvCacheConfig(value, blockSize, nonTorchBytes, maxBatchedTokens, maxNumSeqs);
    }

    public KvCacheConfig withBlockSize(int value) {
        return new KvCacheConfig(gpuMemoryUtilization, value, nonTorchBytes, maxBatchedTokens, maxNumSeqs);
    }
}
