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
 * offset by 8. As for Q8_0, each block is summed unscaled in its own register and then scaled into
 * the accumulator, so blocks overlap in the pipeline.
 */
public final class Q4_0Matrix extends BlockQuantizedMatrix {
    private static final int HALF = 16;
    private static final int BLOCK_BYTES = 18;

    Q4_0Matrix(String name, int rows, int cols, MemorySegment data) {
        super(name, rows, cols, data, GgmlType.Q4_0);
    }

    @Override
    protected void decodeBlock(long block, float d, float[] dst, int off) {
        for (int j = 0; j < HALF; j++) {
            int q = data.get(ValueLayout.JAVA_BYTE, block + 2 + j) & 0xFF;
            dst[off + j] = ((q & 0x0F) - 8) * d;
            dst[off + j + HALF] = ((q >>> 4) - 8) * d;
        }
    }

    private ByteVector packed(long block, int j) {
        return ByteVector.fromMemorySegment(B, data, block + 2 + j, ByteOrder.LITTLE_ENDIAN);
    }

    private static FloatVector low(ByteVector q) {
        return Vectors.widen(q.and((byte) 0x0F).sub((byte) 8));
    }

    private static FloatVector high(ByteVector q) {
        return Vectors.widen(q.lanewise(VectorOperators.LSHR, 4).sub((byte) 8));
    }

    @Override
    protected float dot(int row, float[] x, int xOff) {
        long base = (long) row * blocksPerRow * BLOCK_BYTES;
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < blocksPerRow; b++) {
            long block = base + (long) b * BLOCK_BYTES;
            int k = xOff + b * BLOCK;
            FloatVector sum = FloatVector.zero(F);
            for (int j = 0; j < HALF; j += LANES) {
                ByteVector q = packed(block, j);
                sum = low(q).fma(FloatVector.fromArray(F, x, k + j), sum);
                sum = high(q).fma(FloatVector.fromArray(F, x, k + HALF + j), sum);
            }
            acc = sum.fma(FloatVector.broadcast(F, scale(block)), acc);
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
            int k = xOff + b * BLOCK;
            FloatVector s0 = FloatVector.zero(F);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            for (int j = 0; j < HALF; j += LANES) {
                ByteVector q = packed(block, j);
                FloatVector lo = low(q);
                s0 = lo.fma(FloatVector.fromArray(F, x, k + j), s0);
                s1 = lo.fma(FloatVector.fromArray(F, x, k + xStride + j), s1);
                s2 = lo.fma(FloatVector.fromArray(F, x, k + 2 * xStride + j), s2);
                s3 = lo.fma(FloatVector.fromArray(F, x, k + 3 * xStride + j), s3);
                FloatVector hi = high(q);
                s0 = hi.fma(FloatVector.fromArray(F, x, k + HALF + j), s0);
                s1 = hi.fma(FloatVector.fromArray(F, x, k + xStride + HALF + j), s1);
                s2 = hi.fma(FloatVector.fromArray(F, x, k + 2 * xStride + HALF + j), s2);
                s3 = hi.fma(FloatVector.fromArray(F, x, k + 3 * xStride + HALF + j), s3);
            }
            FloatVector d = FloatVector.broadcast(F, scale(block));
            a0 = s0.fma(d, a0);
            a1 = s1.fma(d, a1);
            a2 = s2.fma(d, a2);
            a3 = s3.fma(d, a3);
        }
        storeSums(a0, a1, a2, a3, out, outOff, outStride);
    }
}
