package org.tdpipe.model.tensor;

import static org.tdpipe.model.tensor.Vectors.F;
import static org.tdpipe.model.tensor.Vectors.LANES;
import static org.tdpipe.model.tensor.Vectors.PANEL;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

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
    protected final int rows;
    protected final int cols;
    protected final int numPanels;

    PackedWeights(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        this.numPanels = (rows + PANEL - 1) / PANEL;
    }

    int numPanels() {
        return numPanels;
    }

    /** {@code out[r] = Σ_k W[r, k] · x[k]} for the rows of panels {@code [from, to)}. */
    abstract void matVec(float[] x, float[] out, int from, int to);

    /** {@code out[b·rows + r] = Σ_k W[r, k] · in[b·cols + k]} for the rows of panels {@code [from, to)}. */
    abstract void gemm(float[] in, int batch, float[] out, int from, int to);

    /** Stores the two vectors of panel {@code panel}'s outputs at {@code out[outOff + panel·PANEL...]}, without the padding rows. */
    protected final void store(FloatVector lo, FloatVector hi, float[] out, int outOff, int panel) {
        int row = panel * PANEL;
        int valid = rows - row;
        int at = outOff + row;
        if (valid >= PANEL) {
            lo.intoArray(out, at);
            hi.intoArray(out, at + LANES);
        } else if (valid > LANES) {
            lo.intoArray(out, at);
            hi.intoArray(out, at + LANES, VectorMask.fromLong(F, (1L << (valid - LANES)) - 1));
        } else {
            lo.intoArray(out, at, VectorMask.fromLong(F, (1L << valid) - 1));
        }
    }
}
