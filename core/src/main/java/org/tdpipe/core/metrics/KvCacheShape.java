package org.tdpipe.core.metrics;

/** The KV cache as {@code vllm:cache_config_info} describes it: tokens per block and blocks. */
public record KvCacheShape(int blockSize, int numBlocks) {
    public KvCacheShape {
        if (blockSize < 1 || numBlocks < 1) {
            throw new IllegalArgumentException("a KV cache needs a block size and a block count >= 1, got "
                    + blockSize + " and " + numBlocks);
        }
    }
}
