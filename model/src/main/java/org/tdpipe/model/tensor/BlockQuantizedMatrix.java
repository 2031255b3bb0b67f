package org.tdpipe.model.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.tdpipe.model.format.GgmlType;

/**
 * GGML block-quantized weights (Q8_0, Q4_0): each row is a run of blocks of {@link #BLOCK} values, a
 * block being a little-endian half-precision scale followed by the quantized values. Subclasses decode
 * a block's values and hold their own dot-product kernels.
 */
abstract sealed class BlockQuantizedMatrix extends Matrix permits Q8_0Matrix, Q4_0Matrix {
    /** Values per block. */
    protected static final int BLOCK = 32;
    private static final ValueLayout.OfShort SCALE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    protected final int blocksPerRow;
    private final int blockBytes;

    BlockQuantizedMatrix(String name, int rows, int cols, MemorySegment data, GgmlType type) {
        super(name, rows, cols, data, type);
        if (cols % BLOCK != 0) {
            throw new IllegalArgumentException(name + ": " + type + " rows must be a multiple of " + BLOCK + " long, got " + cols);
        }
        this.blocksPerRow = cols / BLOCK;
        this.blockBytes = type.blockBytes();
    }

    /** The scale of the block starting at byte {@code block}. */
    protected final float scale(long block) {
        return Float.float16ToFloat(data.get(SCALE, block));
    }

    @Override
    public final void readRow(int row, float[] dst, int off) {
        long base = (long) row * blocksPerRow * blockBytes;
        for (int b = 0; b < blocksPerRow; b++) {
            long block = base + (long) b * blockBytes;
            decodeBlock(block, scale(block), dst, off + b * BLOCK);
        }
    }

    /** Writes the {@link #BLOCK} values of the block starting at byte {@code block}, times {@code d}, to {@code dst[off...]}. */
    protected abstract void decodeBlock(long block, float d, float[] dst, int off);

    /** Stores the lane sums of the four accumulators of a {@link #dot4} at {@code out[outOff + j·outStride]}. */
    protected static void storeSums(FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3, float[] out,
            int outOff, int outStride) {
        Vectors.store4(out, outOff, outStride, a0.reduceLanes(VectorOperators.ADD), a1.reduceLanes(VectorOperators.ADD),
                a2.reduceLanes(VectorOperators.ADD), a3.reduceLanes(VectorOperators.ADD));
    }
}
