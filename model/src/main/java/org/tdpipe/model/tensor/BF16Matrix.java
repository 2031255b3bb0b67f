package org.tdpipe.model.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.tdpipe.model.format.GgmlType;

/** bfloat16 weights. */
public final class BF16Matrix extends Matrix {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    BF16Matrix(String name, int rows, int cols, MemorySegment data) {
        super(name, rows, cols, data, GgmlType.BF16);
    }

    @Override
    public void readRow(int row, float[] dst, int off) {
        long base = (long) row * cols * 2;
        for (int k = 0; k < cols; k++) {
            dst[off + k] = Float.intBitsToFloat(data.get(SHORT, base + k * 2L) << 16);
        }
    }

    @Override
    protected PackedWeights pack(Parallel parallel) {
        return F32Panels.of(this, parallel);
    }
}
