package org.tdpipe.model.tensor;

import java.lang.foreign.MemorySegment;
import org.tdpipe.model.format.GgmlType;

/**
 * GGML Q4_0 weights: blocks of 32 4-bit values with one half-precision scale (18 bytes per block).
 * Byte j of a block holds element j in its low nibble and element j + 16 in its high nibble, both
 * offset by 8.
 */
public final class Q4_0Matrix extends BlockQuantizedMatrix {
    private static final int HALF_BLOCK = 16;

    Q4_0Matrix(String name, int rows, int cols, MemorySegment data) {
        super(name, rows, cols, data, GgmlType.Q4_0);
    }

    @Override
    protected void decodeBlock(long block, float[] dst, int off) {
        float d = half(block);
        for (int j = 0; j < HALF_BLOCK; j++) {
            int q = u8(block + 2 + j);
            dst[off + j] = ((q & 0x0F) - 8) * d;
            dst[off + j + HALF_BLOCK] = ((q >>> 4) - 8) * d;
        }
    }

    @Override
    protected PackedWeights pack(Parallel parallel) {
        return Q4_0Panels.of(data, rows, cols, parallel);
    }
}
