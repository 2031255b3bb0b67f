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
 * GGML Q8_0 weights: blocks of 32 signed bytes with one half-precision scale (34 bytes per block).
 * Each block's products with the activations are summed unscaled in a register of their own, then
 * scaled into the accumulator: the only dependency carried from block to block is that one
 * multiply-add, so consecutive blocks overlap in the pipeline.
 */
public final class Q8_0Matrix extends BlockQuantizedMatrix {
    private static final int BLOCK_BYTES = 34;

    Q8_0Matrix(String name, int rows, int cols, MemorySegment data) {
        super(name, rows, cols, data, GgmlType.Q8_0);
    }

    @Override
    protected void decodeBlock(long block, float d, float[] dst, int off) {
        for (int j = 0; j < BLOCK; j++) {
            dst[off + j] = data.get(ValueLayout.JAVA_BYTE, block + 2 + j) * d;
        }
    }

    private FloatVector weights(long block, int j) {
        return Vectors.widen(ByteVector.fromMemorySegment(B, data, block + 2 + j, ByteOrder.LITTLE_ENDIAN));
    }

    @Override
    protected float dot(int row, float[] x, int xOff) {
        long base = (long) row * blocksPerRow * BLOCK_BYTES;
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < blocksPerRow; b++) {
            long block = base + (long) b * BLOCK_BYTES;
            int k = xOff + b * BLOCK;
            FloatVector sum = weights(block, 0).mul(FloatVector.fromArray(F, x, k));
            for (int j = LANES; j < BLOCK; j += LANES) {
                sum = weights(block, j).fma(FloatVector.fromArray(F, x, k + j), sum);
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
            FloatVector w = weights(block, 0);
            FloatVector s0 = w.mul(FloatVector.fromArray(F, x, k));
            FloatVector s1 = w.mul(FloatVector.fromArray(F, x, k + xStride));
            FloatVector s2 = w.mul(FloatVector.fromArray(F, x, k + 2 * xStride));
            FloatVector s3 = w.mul(FloatVector.fromArray(F, x, k + 3 * xStride));
            for (int j = LANES; j < BLOCK; j += LANES) {
                w = weights(block, j);
                s0 = w.fma(FloatVector.fromArray(F, x, k + j), s0);
                s1 = w.fma(FloatVector.fromArray(F, x, k + xStride + j), s1);
                s2 = w.fma(FloatVector.fromArray(F, x, k + 2 * xStride + j), s2);
                s3 = w.fma(FloatVector.fromArray(F, x, k + 3 * xStride + j), s3);
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
