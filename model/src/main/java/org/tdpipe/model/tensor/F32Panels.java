package org.tdpipe.model.tensor;

import static org.tdpipe.model.tensor.Vectors.F;
import static org.tdpipe.model.tensor.Vectors.LANES;
import static org.tdpipe.model.tensor.Vectors.PANEL;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;

/** Float panels: the repacked form of F32 weights, and of F16 and BF16 ones (decoded once, at twice their size). */
final class F32Panels extends PackedWeights {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long VECTOR_BYTES = (long) LANES * Float.BYTES;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final long panelBytes;

    private F32Panels(int rows, int cols) {
        super(rows, cols, cols * PanelKernels.COLUMN_BYTES);
        this.panelBytes = cols * PanelKernels.COLUMN_BYTES;
    }

    /** The rows of {@code m} decoded to floats and interleaved, panel by panel on {@code parallel}'s threads. */
    static F32Panels of(Matrix m, Parallel parallel) {
        int rows = m.rows();
        int cols = m.cols();
        F32Panels packed = new F32Panels(rows, cols);
        MemorySegment panels = packed.panels;
        parallel.forRange(packed.numPanels, 1, (from, to) -> {
            float[] row = new float[cols];
            for (int p = from; p < to; p++) {
                long base = (long) p * cols * PanelKernels.COLUMN_BYTES;
                for (int i = 0; i < PANEL && p * PANEL + i < rows; i++) {
                    m.readRow(p * PANEL + i, row, 0);
                    for (int k = 0; k < cols; k++) {
                        panels.set(FLOAT, base + k * PanelKernels.COLUMN_BYTES + (long) i * Float.BYTES, row[k]);
                    }
                }
            }
        });
        return packed;
    }

    @Override
    void gemm(float[] in, int batch, float[] out, int from, int to) {
        for (int p = from; p < to; p++) {
            PanelKernels.gemm(this, panels, p * panelBytes, p, in, batch, out);
        }
    }

    @Override
    void matVec(float[] x, float[] out, int from, int to) {
        for (int p = from; p < to; p += 2) {
            matVec2(x, out, p, Math.min(p + 1, to - 1));
        }
    }

    /** Panels {@code p} and {@code q} (maybe the same one, then computed twice): four independent accumulator chains. */
    private void matVec2(float[] x, float[] out, int p, int q) {
        long b0 = p * panelBytes;
        long b1 = q * panelBytes;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector t = a0;
        for (int k = 0; k < cols; k++) {
            long o = k * PanelKernels.COLUMN_BYTES;
            t = touch(b1 + o, touch(b0 + o, t));
            FloatVector xk = FloatVector.broadcast(F, x[k]);
            a0 = FloatVector.fromMemorySegment(F, panels, b0 + o, LE).fma(xk, a0);
            a1 = FloatVector.fromMemorySegment(F, panels, b0 + o + VECTOR_BYTES, LE).fma(xk, a1);
            a2 = FloatVector.fromMemorySegment(F, panels, b1 + o, LE).fma(xk, a2);
            a3 = FloatVector.fromMemorySegment(F, panels, b1 + o + VECTOR_BYTES, LE).fma(xk, a3);
        }
        sink(t);
        float[] sums = PANEL_SUMS.get();
        store(a2, a3, sums, out, q);
        store(a0, a1, sums, out, p);
    }
}
