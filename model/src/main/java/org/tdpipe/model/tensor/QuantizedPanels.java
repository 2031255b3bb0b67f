package org.tdpipe.model.tensor;

import static org.tdpipe.model.tensor.Vectors.PANEL;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Panels of quantized blocks (Q8_0 and Q4_0: 32 values; the K-quants: their 16- or 32-value
 * groups): for each block of a panel, the {@code PANEL} rows' scales (and offsets) as floats, then
 * the rows' quantized values interleaved. A product of
 * several inputs decodes each panel to floats — weight = value · scale, rounded once to a float,
 * as the matrix-vector kernel computes it — into a per-thread scratch panel, then runs the float
 * tile kernel over it.
 */
abstract sealed class QuantizedPanels extends PackedWeights permits Q8_0Panels, Q4_0Panels, KQuantPanels {
    /** The block of Q8_0 and Q4_0. */
    protected static final int BLOCK = 32;
    protected static final long SCALE_BYTES = (long) PANEL * Float.BYTES;
    private static final ThreadLocal<MemorySegment> SCRATCH = ThreadLocal.withInitial(() -> MemorySegment.NULL);

    protected final int blocksPerRow;
    /** Bytes of one block of one panel: scales, then values. */
    protected final long blockBytes;
    protected final long panelBytes;

    /** Blocks of {@code blockSize} values taking {@code blockBytes} bytes per panel. */
    QuantizedPanels(int rows, int cols, int blockSize, long blockBytes) {
        super(rows, cols, cols / blockSize * blockBytes);
        this.blocksPerRow = cols / blockSize;
        this.blockBytes = blockBytes;
        this.panelBytes = blocksPerRow * blockBytes;
    }

    /** Byte offset of block {@code block} of panel {@code panel}. */
    protected final long blockAt(int panel, int block) {
        return panel * panelBytes + block * blockBytes;
    }

    /** Writes panel {@code panel} decoded to floats ({@link PanelKernels}' layout) into {@code dst}. */
    protected abstract void decodePanel(int panel, MemorySegment dst);

    @Override
    final void gemm(float[] in, int batch, float[] out, int from, int to) {
        MemorySegment scratch = scratch(cols * PanelKernels.COLUMN_BYTES);
        for (int p = from; p < to; p++) {
            decodePanel(p, scratch);
            PanelKernels.gemm(this, scratch, 0, p, in, batch, out);
        }
    }

    private static MemorySegment scratch(long bytes) {
        MemorySegment s = SCRATCH.get();
        if (s.byteSize() < bytes) {
            s = Arena.ofAuto().allocate(bytes, 64);
            SCRATCH.set(s);
        }
        return s;
    }
}
