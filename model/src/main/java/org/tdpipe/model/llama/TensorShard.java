package org.tdpipe.model.llama;

import org.tdpipe.model.format.ModelConfig;

/**
 * Which part of every layer a tensor-parallel rank holds (Megatron-style): of {@code size} ranks,
 * rank {@code rank} has attention heads {@code [rank·h/size, (rank+1)·h/size)} with their KV heads
 * and the same share of the FFN's hidden columns. q/k/v and gate/up are split by output rows
 * (column-parallel), the attention output and down projections by input columns (row-parallel),
 * so each layer needs one all-reduce after attention and one after the FFN. {@link #WHOLE} is the
 * unsplit model.
 */
public record TensorShard(int rank, int size) {
    public static final TensorShard WHOLE = new TensorShard(0, 1);

    public TensorShard {
        if (size < 1 || rank < 0 || rank >= size) {
            throw new IllegalArgumentException("tensor-parallel rank " + rank + " of " + size + " does not exist");
        }
    }

    /**
     * Checks that {@code config} splits evenly over {@code size} ranks.
     *
     * @throws IllegalArgumentException naming the dimension that does not
     */
    public static void requireDivides(ModelConfig config, int size) {
        if (config.numHeads() % size != 0 || config.numKvHeads() % size != 0 || config.hiddenDim() % size != 0) {
            throw new IllegalArgumentException(size + " tensor-parallel ranks do not divide the model's "
                    + config.numHeads() + " attention heads, " + config.numKvHeads() + " KV heads and "
                    + config.hiddenDim() + " FFN columns evenly");
        }
    }

    public int heads(ModelConfig c) {
        return c.numHeads() / size;
    }

    public int kvHeads(ModelConfig c) {
        return c.numKvHeads() / size;
    }

    public int hidden(ModelConfig c) {
        return c.hiddenDim() / size;
    }

    /** The first of this rank's {@code total / size} units. */
    int first(int total) {
        return rank * (total / size);
    }

    /** One past the last of this rank's units. */
    int end(int total) {
        return first(total) + total / size;
    }

    boolean isWhole() {
        return size == 1;
    }

    /** Rank 0 holds the LM head and samples. */
    public boolean isLeader() {
        return rank == 0;
    }
}
