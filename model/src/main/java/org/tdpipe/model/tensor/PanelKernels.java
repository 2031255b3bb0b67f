package org.tdpipe.model.tensor;

import static org.tdpipe.model.tensor.Vectors.F;
import static org.tdpipe.model.tensor.Vectors.LANES;
import static org.tdpipe.model.tensor.Vectors.PANEL;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;

/**
 * The product kernels over float panels ({@link PackedWeights}): a panel of {@code cols} columns is
 * {@code cols × PANEL} floats, column after column. The matrix-matrix kernel is a register tile of
 * one panel (two vectors of rows) × {@link #TILE} inputs: per column two weight loads, six
 * broadcasts and twelve independent multiply-adds, no horizontal sums.
 */
final class PanelKernels {
    /** Inputs per register tile: 2 × 6 accumulators + 2 weights + 1 broadcast fit AVX2's 16 registers. */
    static final int TILE = 6;
    static final long COLUMN_BYTES = (long) PANEL * Float.BYTES;
    private static final long VECTOR_BYTES = (long) LANES * Float.BYTES;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ThreadLocal<float[]> TILE_SUMS = ThreadLocal.withInitial(() -> new float[TILE * PANEL]);

    private PanelKernels() {
    }

    /**
     * {@code out[b·rows + r] = Σ_k W[r, k] · in[b·cols + k]} for the rows of panel {@code panel} of
     * {@code shape}, whose floats start at byte {@code base} of {@code w}, and every one of the
     * {@code batch} inputs.
     */
    static void gemm(PackedWeights shape, MemorySegment w, long base, int panel, float[] in, int batch, float[] out) {
        float[] sums = TILE_SUMS.get();
        int rows = shape.rows;
        int row = panel * PANEL;
        int valid = Math.min(PANEL, rows - row);
        for (int t = 0; t < batch; t += TILE) {
            int n = Math.min(TILE, batch - t);
            tile(w, base, shape.cols, in, t, n, sums);
            for (int j = 0; j < n; j++) {
                System.arraycopy(sums, j * PANEL, out, (t + j) * rows + row, valid);
            }
        }
    }

    /**
     * {@code sums[j·PANEL + i]} = row i of the panel times input {@code t + j}, for the
     * {@link #TILE} inputs from {@code t} — a short tile ({@code n} < TILE) repeats its last input.
     * Branch-free, so that no batch size makes the JIT recompile it (each recompilation after a
     * new branch was taken compiled it more cautiously, and a kernel warmed on small batches then
     * ran large ones several times slower).
     */
    private static void tile(MemorySegment w, long base, int cols, float[] in, int t, int n, float[] sums) {
        int x0 = t * cols;
        int x1 = (t + Math.min(1, n - 1)) * cols;
        int x2 = (t + Math.min(2, n - 1)) * cols;
        int x3 = (t + Math.min(3, n - 1)) * cols;
        int x4 = (t + Math.min(4, n - 1)) * cols;
        int x5 = (t + Math.min(5, n - 1)) * cols;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        FloatVector b2 = a0;
        FloatVector b3 = a0;
        FloatVector b4 = a0;
        FloatVector b5 = a0;
        for (int k = 0; k < cols; k++) {
            long o = base + k * COLUMN_BYTES;
            FloatVector lo = FloatVector.fromMemorySegment(F, w, o, LE);
            FloatVector hi = FloatVector.fromMemorySegment(F, w, o + VECTOR_BYTES, LE);
            FloatVector x = FloatVector.broadcast(F, in[x0 + k]);
            a0 = lo.fma(x, a0);
            b0 = hi.fma(x, b0);
            x = FloatVector.broadcast(F, in[x1 + k]);
            a1 = lo.fma(x, a1);
            b1 = hi.fma(x, b1);
            x = FloatVector.broadcast(F, in[x2 + k]);
            a2 = lo.fma(x, a2);
            b2 = hi.fma(x, b2);
            x = FloatVector.broadcast(F, in[x3 + k]);
            a3 = lo.fma(x, a3);
            b3 = hi.fma(x, b3);
            x = FloatVector.broadcast(F, in[x4 + k]);
            a4 = lo.fma(x, a4);
            b4 = hi.fma(x, b4);
            x = FloatVector.broadcast(F, in[x5 + k]);
            a5 = lo.fma(x, a5);
            b5 = hi.fma(x, b5);
        }
        a0.intoArray(sums, 0);
        b0.intoArray(sums, LANES);
        a1.intoArray(sums, PANEL);
        b1.intoArray(sums, PANEL + LANES);
        a2.intoArray(sums, 2 * PANEL);
        b2.intoArray(sums, 2 * PANEL + LANES);
        a3.intoArray(sums, 3 * PANEL);
        b3.intoArray(sums, 3 * PANEL + LANES);
        a4.intoArray(sums, 4 * PANEL);
        b4.intoArray(sums, 4 * PANEL + LANES);
        a5.intoArray(sums, 5 * PANEL);
        b5.intoArray(sums, 5 * PANEL + LANES);
    }
}
