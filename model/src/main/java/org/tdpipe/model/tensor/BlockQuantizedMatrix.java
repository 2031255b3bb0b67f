package org.tdpipe.model.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.tdpipe.model.format.GgmlType;

/**
 * GGML block-quantized weights: each row is a run of blocks of {@code type.blockSize()} values
 * (32 for Q8_0 and Q4_0, 256-value super-blocks for the K-quants), each holding its own scales and
 * quantized values. Subclasses decode a block, exactly as their panels' kernels do, and repack
 * the rows into their panels.
 */
abstract sealed class BlockQuantizedMatrix extends Matrix
        permits Q8_0Matrix, Q4_0Matrix, KQuantMatrix {
    protected static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    protected final int blockSize;
    protected final int blocksPerRow;
    protected final int blockBytes;

    BlockQuantizedMatrix(String name, int rows, int cols, MemorySegment data, GgmlType type) {
        super(name, rows, cols, data, type);
        this.blockSize = type.blockSize();
        this.blocksPerRow = cols / blockSize;
        this.blockBytes = type.blockBytes();
    }

    @Override
    public final void readRow(int row, float[] dst, int off) {
        long base = (long) row * blocksPerRow * blockBytes;
        for (int b = 0; b < blocksPerRow; b++) {
            decodeBlock(base + (long) b * blockBytes, dst, off + b * blockSize);
        }
    }

    /** Writes the values of the block starting at byte {@code block} to {@code dst[off, off + blockSize)}. */
    protected abstract void decodeBlock(long block, float[] dst, int off);

    /** The half-precision float at byte {@code at}. */
    protected final float half(long at) {
        return Float.float16ToFloat(data.get(HALF, at));
    }

    /** The unsigned byte at {@code at}. */
    protected final int u8(long at) {
        return data.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
    }
}
