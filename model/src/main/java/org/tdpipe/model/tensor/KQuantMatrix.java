package org.tdpipe.model.tensor;

import java.lang.foreign.MemorySegment;
import org.tdpipe.model.format.GgmlType;

/**
 * GGML K-quant weights: rows of 256-value super-blocks, each a run of groups (16 or 32 values)
 * sharing a scale and an offset, both derived from the super-block's half-precision scales and
 * the group's packed sub-block scales. A value decodes to {@code fma(scale, q, −min)} — for the
 * types without offsets the minimum is −0, so that the value is exactly {@code scale · q}.
 */
abstract sealed class KQuantMatrix extends BlockQuantizedMatrix permits Q2_KMatrix, Q3_KMatrix, Q4_KMatrix, Q5_KMatrix, Q6_KMatrix {
    static final int SUPER_BLOCK = 256;

    private final int groupSize;

    KQuantMatrix(String name, int rows, int cols, MemorySegment data, GgmlType type, int groupSize) {
        super(name, rows, cols, data, type);
        this.groupSize = groupSize;
    }

    /** Values per group of one scale and offset: 16 or 32. */
    final int groupSize() {
        return groupSize;
    }

    /**
     * Unpacks the super-block at byte {@code block}: group {@code g}'s scale and negated minimum
     * into {@code scales[g]} and {@code negatedMins[g]}, value {@code i}'s integer level into
     * {@code levels[i]}.
     */
    abstract void unpack(long block, float[] scales, float[] negatedMins, byte[] levels);

    @Override
    protected final void decodeBlock(long block, float[] dst, int off) {
        int groups = SUPER_BLOCK / groupSize;
        float[] scales = new float[groups];
        float[] negatedMins = new float[groups];
        byte[] levels = new byte[SUPER_BLOCK];
        unpack(block, scales, negatedMins, levels);
        for (int i = 0; i < SUPER_BLOCK; i++) {
            dst[off + i] = Math.fma(scales[i / groupSize], levels[i], negatedMins[i / groupSize]);
        }
    }

    @Override
    protected final PackedWeights pack(Parallel parallel) {
        return KQuantPanels.of(this, parallel);
    }
}
