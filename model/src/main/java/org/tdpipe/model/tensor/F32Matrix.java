package org.tdpipe.model.tensor;

import static org.tdpipe.model.tensor.Vectors.F;
import static org.tdpipe.model.tensor.Vectors.LANES;
import static org.tdpipe.model.tensor.Vectors.store4;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
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
    protected float dot(int row, float[] x, int xOff) {
        long base = (long) row * cols * 4;
        int bound = F.loopBound(cols);
        FloatVector acc = FloatVector.zero(F);
        int k = 0;
        for (; k < bound; k += LANES) {
            FloatVector w = FloatVector.fromMemorySegment(F, data, base + k * 4L, ByteOrder.LITTLE_ENDIAN);
            acc = w.fma(FloatVector.fromArray(F, x, xOff + k), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; k < cols; k++) {
            s += data.get(FLOAT, base + k * 4L) * x[xOff + k];
        }
        return s;
    }

    @Override
    protected void dot4(int row, float[] x, int xOff, int xStride, float[] out, int outOff, int outStride) {
        long base = (long) row * cols * 4;
        int bound = F.loopBound(cols);
        int o0 = xOff;
        int o1 = xOff + xStride;
        int o2 = xOff + 2 * xStride;
        int o3 = xOff + 3 * xStride;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int k = 0;
        for (; k < bound; k += LANES) {
            FloatVector w = FloatVector.fromMemorySegment(F, data, base + k * 4L, ByteOrder.LITTLE_ENDIAN);
            a0 = w.fma(FloatVector.fromArray(F, x, o0 + k), a0);
            a1 = w.fma(FloatVector.fromArray(F, x, o1 + k), a1);
            a2 = w.fma(FloatVector.fromArray(F, x, o2 + k), a2);
            a3 = w.fma(FloatVector.fromArray(F, x, o3 + k), a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD);
        float s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD);
        float s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; k < cols; k++) {
            float w = data.get(FLOAT, base + k * 4L);
            s0 += w * x[o0 + k];
            s1 += w * x[o1 + k];
            s2 += w * x[o2 + k];
            s3 += w * x[o3 + k];
        }
        store4(out, outOff, outStride, s0, s1, s2, s3);
    }
}
