package org.tdpipe.model.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.tdpipe.model.format.GgmlType;

/**
 * 16-bit float weights (F16, BF16), whose kernels decode a row to floats first — into a per-thread
 * scratch row — and then run the F32 dot products: the decoding is paid once per row and tile of four
 * input rows. Subclasses only decode ({@link #readRow}).
 */
abstract sealed class RowDecodedMatrix extends Matrix permits F16Matrix, BF16Matrix {
    protected static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    RowDecodedMatrix(String name, int rows, int cols, MemorySegment data, GgmlType type) {
        super(name, rows, cols, data, type);
    }

    @Override
    protected final float dot(int row, float[] x, int xOff) {
        float[] w = decoded(row);
        return Vectors.dot(w, 0, x, xOff, cols);
    }

    @Override
    protected final void dot4(int row, float[] x, int xOff, int xStride, float[] out, int outOff, int outStride) {
        float[] w = decoded(row);
        Vectors.dot4(w, x, xOff, xStride, out, outOff, outStride, cols);
    }

    /** Row {@code row} decoded into this thread's scratch row. */
    private float[] decoded(int row) {
        float[] w = SCRATCH.get();
        if (w.length < cols) {
            w = new float[cols];
            SCRATCH.set(w);
        }
        readRow(row, w, 0);
        return w;
    }
}
