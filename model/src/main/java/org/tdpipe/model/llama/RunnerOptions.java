package org.tdpipe.model.llama;

/**
 * How a {@link LocalModelRunner} is laid out.
 *
 * @param numStages pipeline stages the layers are split into (chained in this process)
 * @param numBlocks KV blocks per stage (the engine's block manager uses the same count)
 * @param blockSize tokens per KV block
 * @param threads worker threads for the kernels
 * @param seed sampling seed for requests that carry none
 */
public record RunnerOptions(int numStages, int numBlocks, int blockSize, int threads, long seed) {
    public RunnerOptions {
        if (numStages < 1) {
            throw new IllegalArgumentException("number of stages must be >= 1, got " + numStages);
        }
        if (numBlocks < 1 || blockSize < 1) {
            throw new IllegalArgumentException("KV cache needs >= 1 block of >= 1 token, got " + numBlocks + " x " + blockSize);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
    }

    public static RunnerOptions defaults(int numBlocks) {
        return new RunnerOptions(1, numBlocks, 16, Runtime.getRuntime().availableProcessors(), 0);
    }

    public RunnerOptions withStages(int stages) {
        return new RunnerOptions(stages, numBlocks, blockSize, threads, seed);
    }

    public RunnerOptions withThreads(int value) {
        return new RunnerOptions(numStages, numBlocks, blockSize, value, seed);
    }

    public RunnerOptions withSeed(long value) {
        return new RunnerOptions(numStages, numBlocks, blockSize, threads, value);
    }
}
