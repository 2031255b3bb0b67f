package org.tdpipe.model.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.tdpipe.model.format.GgmlType;

/** 32-bit float weights. */
public final class F32Matrix extends Matrix {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    F32Matrix(String name, int rows, int cols, MemorySegment data) {
        super(name, rows, cols, data, GgmlType.F32);
    }

    @Override
    public void readRow(int row, float[] dst, int off) {
        MemorySegment.copy(data, FLOAT, (long) row * cols * 4, dst, off, cols);
    }

    @Override
    protected PackedWeights pack(Parallel parallel) {
        return F32Panels.of(this, parallel);
    }
}
