package org.tdpipe.core.exec;

/** Opens a pipeline with a KV cache of {@code numBlocks} blocks of {@code blockSize} tokens. */
@FunctionalInterface
public interface PipelineOpener {
    PipelineExecutor open(int numBlocks, int blockSize);
}
