package org.tdpipe.model.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.tdpipe.model.format.GgmlType;

/** GGML Q8_0 weights: blocks of 32 signed bytes with one half-precision scale (34 bytes per block). */
public final class Q8_0Matrix extends BlockQuantizedMatrix {
    Q8_0Matrix(String name, int rows, int cols, MemorySegment data) {
        super(name, rows, cols, data, GgmlType.Q8_0);
    }

    @Override
    protected void decodeBlock(long block, float d, float[] dst, int off) {
        for (int j = 0; j < BLOCK; j++) {
            dst[off + j] = data.get(ValueLayout.JAVA_BYTE, block + 2 + j) * d;
        }
    }

    @Override
    protected PackedWeights pack(Parallel parallel) {
        return Q8_0Panels.of(data, rows, cols, parallel);
    }
}
