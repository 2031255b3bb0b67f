package org.tdpipe.model.llama;

import java.util.Arrays;
import org.tdpipe.model.step.BatchLayout;
import org.tdpipe.model.tensor.Parallel;
import org.tdpipe.model.tensor.Vectors;

/**
 * Causal multi-head attention with grouped KV heads, reading keys and values through each
 * sequence's block table. Each (token, head) pair attends to positions {@code [0, position]} of its
 * own sequence, whose KV — including this step's tokens — is already in the cache; its result does
 * not depend on what else is in the batch.
 */
final class PagedAttention {
    /** Multiply-adds worth handing to another thread. */
    private static final long MIN_TASK_WORK = 1 << 14;
    private static final ThreadLocal<float[]> SCORES = ThreadLocal.withInitial(() -> new float[0]);

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
        int longest = 0;
        for (int row = 0; row < rows; row++) {
            longest = Math.max(longest, layout.position(row) + 1);
        }
        int maxContext = longest;
        long work = (long) headDim * maxContext;
        int grain = (int) Math.max(1, MIN_TASK_WORK / Math.max(1, work));
        parallel.forRange(rows * numHeads, grain, (from, to) -> {
            float[] scores = scores(maxContext);
            for (int item = from; item < to; item++) {
                int row = item / numHeads;
                int head = item % numHeads;
                int[] table = layout.blockTable(layout.seqOfRow(row));
                int context = layout.position(row) + 1;
                int qo = row * qDim + head * headDim;
                int kvo = (head / group) * headDim;
                for (int t = 0; t < context; t++) {
                    scores[t] = Vectors.dot(q, qo, keys, cache.slotOffset(table, t) + kvo, headDim) * scale;
                }
                float sum = Vectors.expShifted(scores, 0, context, Vectors.max(scores, 0, context), scores, 0);
                Arrays.fill(out, qo, qo + headDim, 0f);
                float inv = 1f / sum;
                for (int t = 0; t < context; t++) {
                    Vectors.axpy(scores[t] * inv, values, cache.slotOffset(table, t) + kvo, out, qo, headDim);
                }
            }
        });
    }

    /** This thread's scratch for the scores of one (token, head), at least {@code n} long. */
    private static float[] scores(int n) {
        float[] s = SCORES.get();
        if (s.length < n) {
            s = new float[n];
            SCORES.set(s);
        }
        return s;
    }
}
