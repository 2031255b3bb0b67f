package org.tdpipe.model.tensor;

import static org.tdpipe.model.tensor.Vectors.B;
import static org.tdpipe.model.tensor.Vectors.F;
import static org.tdpipe.model.tensor.Vectors.LANES;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.tdpipe.model.format.GgmlType;

/**
 * GGML Q4_0 weights: blocks of 32 4-bit values with one half-precision scale (18 bytes per block).
 * Byte j of a block holds element j in its low nibble and element j + 16 in its high nibble, both
 * offset by 8.
 */
public final class Q4_0Matrix extends Matrix {
    private static final int BLOCK = 32;
    private static final int HALF = 16;
    private static final int BLOCK_BYTES = 18;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final int blocksPerRow;

    Q4_0Matrix(String name, int rows, int cols, MemorySegment data) {
        super(name, rows, cols, data, GgmlType.Q4_0);
        if (cols % BLOCK != 0) {
            throw new IllegalArgumentException(name + ": Q4_0 rows must be a multiple of 32 long, got " + cols);
        }
        this.blocksPerRow = cols / BLOCK;
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    private float scale(long block) {
        return Float.float16ToFloat(data.get(SHORT, block));
    }

    @Override
    public void readRow(int row, float[] dst, int off) {
        long base = (long) row * blocksPerRow * BLOCK_BYTES;
        for (int b = 0; b < blocksPerRow; b++) {
            long block = base + (long) b * BLOCK_BYTES;
            float d = scale(block);
            for (int j = 0; j < HALF; j++) {
                int q = data.get(ValueLayout.JAVA_BYTE, block + 2 + j) & 0xFF;
                dst[off + b * BLOCK + j] = ((q & 0x0F) - 8) * d;
                dst[off + b * BLOCK + j + HALF] = ((q >>> 4) - 8) * d;
            }
        }
    }

    private ByteVector packed(long block, int j) {
        return ByteVector.fromMemorySegment(B, data, block + 2 + j, ByteOrder.LITTLE_ENDIAN);
    }

    private static FloatVector low(ByteVector q, FloatVector scale) {
        return Vectors.widen(q.and((byte) 0x0F).sub((byte) 8)).mul(scale);
    }

    private static FloatVector high(ByteVector q, FloatVector scale) {
        return Vectors.widen(q.lanewise(VectorOperators.LSHR, 4).sub((byte) 8)).mul(scale);
    }

    @Override
    protected float dot(int row, float[] x, int xOff) {
        long base = (long) row * blocksPerRow * BLOCK_BYTES;
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < blocksPerRow; b++) {
            long block = base + (long) b * BLOCK_BYTES;
            FloatVector d = FloatVector.broadcast(F, scale(block));
            int k = xOff + b * BLOCK;
            for (int j = 0; j < HALF; j += LANES) {
                ByteVector q = packed(block, j);
                acc = low(q, d).fma(FloatVector.fromArray(F, x, k + j), acc);
                acc = high(q, d).fma(FloatVector.fromArray(F, x, k + HALF + j), acc);
            }
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    protected void dot4(int row, float[] x, int xOff, int xStride, float[] out, int outOff, int outStride) {
        long base = (long) row * blocksPerRow * BLOCK_BYTES;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int b = 0; b < blocksPerRow; b++) {
            long block = base + (long) b * BLOCK_BYTES;
            FloatVector d = FloatVector.broadcast(F, scale(block));
            int k = xOff + b * BLOCK;
            for (int j = 0; j < HALF; j += LANES) {
                ByteVector q = packed(block, j);
                FloatVector lo = low(q, d);
                a0 = lo.fma(FloatVector.fromArray(F, x, k + j), a0);
                a1 = lo.fma(FloatVector.fromArray(F, x, k + xStride + j), a1);
                a2 = lo.fma(FloatVector.fromArray(F, x, k + 2 * xStride + j), a2);
                a3 = lo.fma(FloatVector.fromArray(F, x, k + 3 * xStride + j), a3);
                FloatVector hi = high(q, d);
                a0 = hi.fma(FloatVector.fromArray(F, x, k + HALF + j), a0);
                a1 = hi.fma(FloatVector.fromArray(F, x, k + xStride + HALF + j), a1);
                a2 = hi.fma(FloatVector.fromArray(F, x, k + 2 * xStride + HALF + j), a2);
                a3 = hi.fma(FloatVector.fromArray(F, x, k + 3 * xStride + HALF + j), a3);
            }
        }
        out[outOff] = a0.reduceLanes(VectorOperators.ADD);
        out[outOff + outStride] = a1.reduceLanes(VectorOperators.ADD);
        out[outOff + 2 * outStride] = a2.reduceLanes(VectorOperators.ADD);
        out[outOff + 3 * outStride] = a3.reduceLanes(VectorOperators.ADD);
    }
}
