package org.tdpipe.model.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.tdpipe.model.format.GgmlType;

/** bfloat16 weights (decoded to floats a row at a time). */
public final class BF16Matrix extends Matrix {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    BF16Matrix(String name, int rows, int cols, MemorySegment data) {
        super(name, rows, cols, data, GgmlType.BF16);
    }

    @Override
    public GgmlType type() {
        return GgmlType.BF16;
    }

    @Override
    public void readRow(int row, float[] dst, int off) {
        long base = (long) row * cols * 2;
        for (int k = 0; k < cols; k++) {
            dst[off + k] = Float.intBitsToFloat(data.get(SHORT, base + k * 2L) << 16);
        }
    }

    @Override
    protected float dot(int row, float[] x, int xOff) {
        float[] w = RowDecoding.scratch(cols);
        readRow(row, w, 0);
        return Vectors.dot(w, 0, x, xOff, cols);
    }

    @Override
    protected void dot4(int row, float[] x, int xOff, int xStride, float[] out, int outOff, int outStride) {
        float[] w = RowDecoding.scratch(cols);
        readRow(row, w, 0);
        Vectors.dot4(w, x, xOff, xStride, out, outOff, outStride, cols);
    }
}
