package org.tdpipe.model.tensor;

import java.lang.foreign.MemorySegment;
import org.tdpipe.model.format.GgmlType;

/** GGML Q8_0 weights: blocks of 32 signed bytes with one half-precision scale (34 bytes per block). */
public final class Q8_0Matrix extends BlockQuantizedMatrix {
    Q8_0Matrix(String name, int rows, int cols, MemorySegment data) {
        super(name, rows, cols, data, GgmlType.Q8_0);
    }

    @Override
    protected void decodeBlock(long block, float[] dst, int off) {
        float d = half(block);
        for (int j = 0; j < blockSize; j++) {
            dst[off + j] = (byte) u8(block + 2 + j) * d;
        }
    }

    @Override
    protected PackedWeights pack(Parallel parallel) {
        return Q8_0Panels.of(data, rows, cols, parallel);
    }
}
