package org.tdpipe.runtime;

/**
 * What every stage worker gets besides its layers.
 *
 * @param numBlocks KV blocks of each stage's cache (the engine's block manager hands out the same numbers)
 * @param blockSize tokens per KV block
 * @param threads kernel threads of each stage (its own thread plus {@code threads - 1} pool workers)
 * @param seed sampling seed for requests that carry none
 */
public record StageResources(int numBlocks, int blockSize, int threads, long seed) {
    public StageResources {
        if (numBlocks < 1 || blockSize < 1) {
            throw new IllegalArgumentException("KV cache needs >= 1 block of >= 1 token, got " + numBlocks + " x " + blockSize);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads per stage must be >= 1, got " + threads);
        }
    }
}
