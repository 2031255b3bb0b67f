package org.tdpipe.model.tensor;

import java.lang.foreign.MemorySegment;
import org.tdpipe.model.format.GgmlType;

/** IEEE half-precision weights (decoded to floats a row at a time). */
public final class F16Matrix extends RowDecodedMatrix {
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
}
