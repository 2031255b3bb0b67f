package org.tdpipe.model.tensor;

import static org.tdpipe.model.tensor.Vectors.B;
import static org.tdpipe.model.tensor.Vectors.F;
import static org.tdpipe.model.tensor.Vectors.LANES;
import static org.tdpipe.model.tensor.Vectors.PANEL;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;

/** Q8_0 panels: per block, the scales, then 32 columns × {@code PANEL} signed bytes. */
final class Q8_0Panels extends QuantizedPanels {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int SOURCE_BLOCK_BYTES = 34;

    private Q8_0Panels(int rows, int cols) {
        super(rows, cols, BLOCK, SCALE_BYTES + (long) BLOCK * PANEL);
    }

    /** Repacks GGML Q8_0 rows (34-byte blocks: a half-precision scale, 32 signed bytes) on {@code parallel}'s threads. */
    static Q8_0Panels of(MemorySegment data, int rows, int cols, Parallel parallel) {
        Q8_0Panels p = new Q8_0Panels(rows, cols);
        parallel.forRange(p.numPanels, 1, (from, to) -> {
            for (int panel = from; panel < to; panel++) {
                for (int i = 0; i < PANEL && panel * PANEL + i < rows; i++) {
                    long row = (long) (panel * PANEL + i) * p.blocksPerRow * SOURCE_BLOCK_BYTES;
                    for (int b = 0; b < p.blocksPerRow; b++) {
                        long src = row + (long) b * SOURCE_BLOCK_BYTES;
                        long dst = p.blockAt(panel, b);
                        p.panels.set(FLOAT, dst + (long) i * Float.BYTES, Float.float16ToFloat(data.get(HALF, src)));
                        for (int j = 0; j < BLOCK; j++) {
                            p.panels.set(ValueLayout.JAVA_BYTE, dst + SCALE_BYTES + (long) j * PANEL + i,
                                    data.get(ValueLayout.JAVA_BYTE, src + 2 + j));
                        }
                    }
                }
            }
        });
        return p;
    }

    private FloatVector value(long at) {
        return Vectors.widen(ByteVector.fromMemorySegment(B, panels, at, LE));
    }

    @Override
    void matVec(float[] x, float[] out, int from, int to) {
        for (int p = from; p < to; p += 2) {
            matVec2(x, out, p, Math.min(p + 1, to - 1));
        }
    }

    /** Panels {@code p} and {@code q} (maybe the same one, then computed twice): four independent accumulator chains. */
    private void matVec2(float[] x, float[] out, int p, int q) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        long half = (long) LANES * Float.BYTES;
        for (int b = 0; b < blocksPerRow; b++) {
            long bp = blockAt(p, b);
            long bq = blockAt(q, b);
            FloatVector s0 = FloatVector.fromMemorySegment(F, panels, bp, LE);
            FloatVector s1 = FloatVector.fromMemorySegment(F, panels, bp + half, LE);
            FloatVector s2 = FloatVector.fromMemorySegment(F, panels, bq, LE);
            FloatVector s3 = FloatVector.fromMemorySegment(F, panels, bq + half, LE);
            long vp = bp + SCALE_BYTES;
            long vq = bq + SCALE_BYTES;
            int k = b * BLOCK;
            for (int j = 0; j < BLOCK; j++) {
                long o = (long) j * PANEL;
                FloatVector xk = FloatVector.broadcast(F, x[k + j]);
                a0 = value(vp + o).mul(s0).fma(xk, a0);
                a1 = value(vp + o + LANES).mul(s1).fma(xk, a1);
                a2 = value(vq + o).mul(s2).fma(xk, a2);
                a3 = value(vq + o + LANES).mul(s3).fma(xk, a3);
            }
        }
        float[] sums = PANEL_SUMS.get();
        store(a2, a3, sums, out, q);
        store(a0, a1, sums, out, p);
    }

    @Override
    protected void decodePanel(int panel, MemorySegment dst) {
        for (int b = 0; b < blocksPerRow; b++) {
            long block = blockAt(panel, b);
            FloatVector s0 = FloatVector.fromMemorySegment(F, panels, block, LE);
            FloatVector s1 = FloatVector.fromMemorySegment(F, panels, block + (long) LANES * Float.BYTES, LE);
            long values = block + SCALE_BYTES;
            for (int j = 0; j < BLOCK; j++) {
                long at = values + (long) j * PANEL;
                long column = (long) (b * BLOCK + j) * PanelKernels.COLUMN_BYTES;
                value(at).mul(s0).intoMemorySegment(dst, column, LE);
                value(at + LANES).mul(s1).intoMemorySegment(dst, column + (long) LANES * Float.BYTES, LE);
            }
        }
    }
}
