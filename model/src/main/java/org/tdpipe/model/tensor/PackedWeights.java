package org.tdpipe.model.tensor;

import static org.tdpipe.model.tensor.Vectors.F;
import static org.tdpipe.model.tensor.Vectors.LANES;
import static org.tdpipe.model.tensor.Vectors.PANEL;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;

/**
 * A weight matrix repacked once for the product kernels: panels of {@link Vectors#PANEL}
 * consecutive rows (two vectors, the last panel padded with zero rows), each panel's weights
 * interleaved so that the {@code PANEL} values of one column are adjacent. Every output is then
 * accumulated in one vector lane, column after column in order, with one fused multiply-add of the
 * weight (as a float) and the input: the same arithmetic for any batch size and any tiling, on any
 * vector width. A subclass holds one storage type and its matrix-vector kernel; products of several
 * rows go through {@link PanelKernels#gemm} on panels decoded to floats.
 */
abstract sealed class PackedWeights permits F32Panels, QuantizedPanels {
    /**
     * How far ahead of its multiply-adds a matrix-vector kernel touches its weights with a plain
     * load. A multiply-add that takes its operand straight from a cache miss stalls the multiply-adds
     * queued behind it, and streaming from memory ran at half the bandwidth; a load two columns
     * ahead brings the line in first (measured on Zen 4: 8 → 21 GB/s on one core).
     */
    protected static final long TOUCH_AHEAD = 256;

    protected final int rows;
    protected final int cols;
    protected final int numPanels;
    protected final MemorySegment panels;
    private final long lastVector;
    /** Where the touched values end up, so that the JIT keeps the loads. */
    private final float[] touched = new float[1];
    /** Per thread: one panel's outputs on their way out of the vector registers. */
    protected static final ThreadLocal<float[]> PANEL_SUMS = ThreadLocal.withInitial(() -> new float[PANEL]);

    /** {@code panelBytes}: bytes of one panel, allocated here for every panel. */
    PackedWeights(int rows, int cols, long panelBytes) {
        this.rows = rows;
        this.cols = cols;
        this.numPanels = (rows + PANEL - 1) / PANEL;
        this.panels = Arena.ofAuto().allocate(numPanels * panelBytes, 64);
        this.lastVector = panels.byteSize() - (long) LANES * Float.BYTES;
    }

    /** {@code t} plus the vector {@link #TOUCH_AHEAD} bytes after {@code at} (at the end of the panels, their last vector). */
    protected final FloatVector touch(long at, FloatVector t) {
        return FloatVector.fromMemorySegment(F, panels, Math.min(at + TOUCH_AHEAD, lastVector), ByteOrder.LITTLE_ENDIAN).add(t);
    }

    /** Keeps the touched values (never read). */
    protected final void sink(FloatVector t) {
        touched[0] = t.lane(0);
    }

    int numPanels() {
        return numPanels;
    }

    /** {@code out[r] = Σ_k W[r, k] · x[k]} for the rows of panels {@code [from, to)}. */
    abstract void matVec(float[] x, float[] out, int from, int to);

    /** {@code out[b·rows + r] = Σ_k W[r, k] · in[b·cols + k]} for the rows of panels {@code [from, to)}. */
    abstract void gemm(float[] in, int batch, float[] out, int from, int to);

    /**
     * Stores the two vectors of outputs of panel {@code panel} at {@code out[panel·PANEL...]},
     * without the padding rows: through {@code sums} ({@code PANEL} floats), so that no branch
     * depends on the panel (see {@link PanelKernels}).
     */
    protected final void store(FloatVector lo, FloatVector hi, float[] sums, float[] out, int panel) {
        lo.intoArray(sums, 0);
        hi.intoArray(sums, LANES);
        int row = panel * PANEL;
        System.arraycopy(sums, 0, out, row, Math.min(PANEL, rows - row));
    }
}
