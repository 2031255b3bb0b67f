package org.tdpipe.model.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.tdpipe.model.format.GgmlType;

/** IEEE half-precision weights. */
public final class F16Matrix extends Matrix {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    F16Matrix(String name, int rows, int cols, MemorySegment data) {
        super(name, rows, cols, data, GgmlType.F16);
    }

    @Override
    public void readRow(int row, float[] dst, int off) {
        long base = (long) row * cols * 2;
        for (int k = 0; k < cols; k++) {
            dst[off + k] = Float.float16ToFloat(data.get(SHORT, base + k * 2L));
        }
    }

    @Override
    protected PackedWeights pack(Parallel parallel) {
        return F32Panels.of(this, parallel);
    }
}
