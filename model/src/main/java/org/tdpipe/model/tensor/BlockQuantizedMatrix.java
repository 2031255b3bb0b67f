package org.tdpipe.model.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.tdpipe.model.format.GgmlType;

/**
 * GGML block-quantized weights (Q8_0, Q4_0): each row is a run of blocks of {@link #BLOCK} values, a
 * block being a little-endian half-precision scale followed by the quantized values. Subclasses decode
 * a block's values and repack the rows into their panels.
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

    @Override
    public final void readRow(int row, float[] dst, int off) {
        long base = (long) row * blocksPerRow * blockBytes;
        for (int b = 0; b < blocksPerRow; b++) {
            long block = base + (long) b * blockBytes;
            decodeBlock(block, Float.float16ToFloat(data.get(SCALE, block)), dst, off + b * BLOCK);
        }
    }

    /** Writes the {@link #BLOCK} values of the block starting at byte {@code block}, times {@code d}, to {@code dst[off...]}. */
    protected abstract void decodeBlock(long block, float d, float[] dst, int off);
}
