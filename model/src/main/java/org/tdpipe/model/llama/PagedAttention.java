package org.tdpipe.model.llama;

import org.tdpipe.model.step.BatchLayout;
import org.tdpipe.model.tensor.Parallel;
import org.tdpipe.model.tensor.Vectors;

/**
 * Causal multi-head attention with grouped KV heads, reading keys and values through each
 * sequence's block table. Each (token, head) pair attends to positions {@code [0, position]} of its
 * own sequence, whose KV — including this step's tokens — is already in the cache.
 */
final class PagedAttention {
    /** Multiply-adds worth handing to another thread. */
    private static final long MIN_TASK_WORK = 1 << 14;

    private final int numHeads;
    private final int numKvHeads;
    private final int headDim;
    private final float scale;

    PagedAttention(int numHeads, int numKvHeads, int headDim) {
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException(numHeads + " query heads cannot share " + numKvHeads + " KV heads evenly");
        }
        this.numHeads = numHeads;
        this.numKvHeads = numKvHeads;
        this.headDim = headDim;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
    }

    /** {@code out} ({@code rows × numHeads·headDim}) = attention of the queries {@code q} over layer {@code layer}'s cache. */
    void attend(float[] q, float[] out, BatchLayout layout, KvCache cache, int layer, Parallel parallel) {
        int rows = layout.numTokens();
        float[] keys = cache.keys(layer);
        float[] values = cache.values(layer);
        int qDim = numHeads * headDim;
        int group = numHeads / numKvHeads;
        long work = (long) headDim * (layout.position(rows - 1) + 1);
        int grain = (int) Math.max(1, MIN_TASK_WORK / Math.max(1, work));
        parallel.forRange(rows * numHeads, grain, (from, to) -> {
            for (int item = from; item < to; item++) {
                int row = item / numHeads;
                int head = item % numHeads;
                int[] table = layout.blockTable(layout.seqOfRow(row));
                int context = layout.position(row) + 1;
                int qo = row * qDim + head * headDim;
                int kvo = (head / group) * headDim;
                float[] scores = new float[context];
                float max = Float.NEGATIVE_INFINITY;
                for (int t = 0; t < context; t++) {
                    float s = Vectors.dot(q, qo, keys, cache.slotOffset(table, t) + kvo, headDim) * scale;
                    scores[t] = s;
                    max = Math.max(max, s);
                }
                float sum = 0;
                for (int t = 0; t < context; t++) {
                    scores[t] = (float) Math.exp(scores[t] - max);
                    sum += scores[t];
                }
                java.util.Arrays.fill(out, qo, qo + headDim, 0f);
                float inv = 1f / sum;
                for (int t = 0; t < context; t++) {
                    Vectors.axpy(scores[t] * inv, values, cache.slotOffset(table, t) + kvo, out, qo, headDim);
                }
            }
        });
    }
}
