package org.tdpipe.model.llama;

import static org.tdpipe.model.tensor.Vectors.F;
import static org.tdpipe.model.tensor.Vectors.LANES;

import jdk.incubator.vector.FloatVector;
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
    private static final ThreadLocal<int[]> SLOTS = ThreadLocal.withInitial(() -> new int[0]);

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
            float[] scores = scratch(SCORES, maxContext);
            int[] slots = slots(maxContext);
            for (int item = from; item < to; item++) {
                int row = item / numHeads;
                int head = item % numHeads;
                int[] table = layout.blockTable(layout.seqOfRow(row));
                int context = layout.position(row) + 1;
                int qo = row * qDim + head * headDim;
                int kvo = (head / group) * headDim;
                for (int t = 0; t < context; t++) {
                    slots[t] = cache.slotOffset(table, t) + kvo;
                    scores[t] = Vectors.dot(q, qo, keys, slots[t], headDim) * scale;
                }
                float sum = Vectors.expShifted(scores, 0, context, Vectors.max(scores, 0, context), scores, 0);
                weightedSum(scores, values, slots, context, 1f / sum, out, qo);
            }
        });
    }

    /**
     * {@code out[o, o + headDim) = inv · Σ_t w[t] · values[slots[t], + headDim)}, a vector of
     * dimensions at a time held in a register over all the positions.
     */
    private void weightedSum(float[] w, float[] values, int[] slots, int context, float inv, float[] out, int o) {
        int d = 0;
        for (; d + LANES <= headDim; d += LANES) {
            FloatVector acc = FloatVector.zero(F);
            for (int t = 0; t < context; t++) {
                acc = FloatVector.fromArray(F, values, slots[t] + d).fma(FloatVector.broadcast(F, w[t]), acc);
            }
            acc.mul(inv).intoArray(out, o + d);
        }
        for (; d < headDim; d++) {
            float acc = 0;
            for (int t = 0; t < context; t++) {
                acc = Math.fma(values[slots[t] + d], w[t], acc);
            }
            out[o + d] = acc * inv;
        }
    }

    /** This thread's scratch array of {@code holder}, at least {@code n} long. */
    private static float[] scratch(ThreadLocal<float[]> holder, int n) {
        float[] s = holder.get();
        if (s.length < n) {
            s = new float[n];
            holder.set(s);
        }
        return s;
    }

    /** This thread's scratch for the cache offsets of one (token, head)'s positions. */
    private static int[] slots(int n) {
        int[] s = SLOTS.get();
        if (s.length < n) {
            s = new int[n];
            SLOTS.set(s);
        }
        return s;
    }
}
