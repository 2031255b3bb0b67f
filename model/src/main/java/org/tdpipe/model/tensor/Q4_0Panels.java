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
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_0 panels: per block, the scales, then 16 × {@code PANEL} bytes, byte (j, row) holding the
 * row's column j in its low nibble and column j + 16 in its high one, both offset by 8 (GGML's
 * own byte, moved).
 */
final class Q4_0Panels extends QuantizedPanels {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int HALF_BLOCK = 16;
    private static final int SOURCE_BLOCK_BYTES = 18;

    private Q4_0Panels(int rows, int cols) {
        super(rows, cols, (long) HALF_BLOCK * PANEL);
    }

    /** Repacks GGML Q4_0 rows (18-byte blocks: a half-precision scale, 16 bytes of nibbles) on {@code parallel}'s threads. */
    static Q4_0Panels of(MemorySegment data, int rows, int cols, Parallel parallel) {
        Q4_0Panels p = new Q4_0Panels(rows, cols);
        parallel.forRange(p.numPanels, 1, (from, to) -> {
            for (int panel = from; panel < to; panel++) {
                for (int i = 0; i < PANEL && panel * PANEL + i < rows; i++) {
                    long row = (long) (panel * PANEL + i) * p.blocksPerRow * SOURCE_BLOCK_BYTES;
                    for (int b = 0; b < p.blocksPerRow; b++) {
                        long src = row + (long) b * SOURCE_BLOCK_BYTES;
                        long dst = p.blockAt(panel, b);
                        p.panels.set(FLOAT, dst + (long) i * Float.BYTES, Float.float16ToFloat(data.get(HALF, src)));
                        for (int j = 0; j < HALF_BLOCK; j++) {
                            p.panels.set(ValueLayout.JAVA_BYTE, dst + SCALE_BYTES + (long) j * PANEL + i,
                                    data.get(ValueLayout.JAVA_BYTE, src + 2 + j));
                        }
                    }
                }
            }
        });
        return p;
    }

    private ByteVector packed(long at) {
        return ByteVector.fromMemorySegment(B, panels, at, LE);
    }

    private static FloatVector low(ByteVector q) {
        return Vectors.widen(q.and((byte) 0x0F).sub((byte) 8));
    }

    private static FloatVector high(ByteVector q) {
        return Vectors.widen(q.lanewise(VectorOperators.LSHR, 4).sub((byte) 8));
    }

    @Override
    void matVec(float[] x, float[] out, int from, int to) {
        for (int p = from; p < to; p += 2) {
            matVec2(x, out, p, Math.min(p + 1, to - 1));
        }
    }

    /**
     * Panels {@code p} and {@code q} (maybe the same one): four independent accumulator chains,
     * columns in order — a block's low nibbles (0..15), then its high ones (16..31).
     */
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
            for (int j = 0; j < HALF_BLOCK; j++) {
                long o = (long) j * PANEL;
                FloatVector xk = FloatVector.broadcast(F, x[k + j]);
                a0 = low(packed(vp + o)).mul(s0).fma(xk, a0);
                a1 = low(packed(vp + o + LANES)).mul(s1).fma(xk, a1);
                a2 = low(packed(vq + o)).mul(s2).fma(xk, a2);
                a3 = low(packed(vq + o + LANES)).mul(s3).fma(xk, a3);
            }
            for (int j = 0; j < HALF_BLOCK; j++) {
                long o = (long) j * PANEL;
                FloatVector xk = FloatVector.broadcast(F, x[k + HALF_BLOCK + j]);
                a0 = high(packed(vp + o)).mul(s0).fma(xk, a0);
                a1 = high(packed(vp + o + LANES)).mul(s1).fma(xk, a1);
                a2 = high(packed(vq + o)).mul(s2).fma(xk, a2);
                a3 = high(packed(vq + o + LANES)).mul(s3).fma(xk, a3);
            }
        }
        store(a0, a1, out, 0, p);
        if (q != p) {
            store(a2, a3, out, 0, q);
        }
    }

    @Override
    protected void decodePanel(int panel, MemorySegment dst) {
        for (int b = 0; b < blocksPerRow; b++) {
            long block = blockAt(panel, b);
            FloatVector s0 = FloatVector.fromMemorySegment(F, panels, block, LE);
            FloatVector s1 = FloatVector.fromMemorySegment(F, panels, block + (long) LANES * Float.BYTES, LE);
            long values = block + SCALE_BYTES;
            for (int j = 0; j < HALF_BLOCK; j++) {
                long at = values + (long) j * PANEL;
                long lowColumn = (long) (b * BLOCK + j) * PanelKernels.COLUMN_BYTES;
                long highColumn = lowColumn + HALF_BLOCK * PanelKernels.COLUMN_BYTES;
                long half = (long) LANES * Float.BYTES;
                ByteVector q0 = packed(at);
                ByteVector q1 = packed(at + LANES);
                low(q0).mul(s0).intoMemorySegment(dst, lowColumn, LE);
                low(q1).mul(s1).intoMemorySegment(dst, lowColumn + half, LE);
                high(q0).mul(s0).intoMemorySegment(dst, highColumn, LE);
                high(q1).mul(s1).intoMemorySegment(dst, highColumn + half, LE);
            }
        }
    }
}
