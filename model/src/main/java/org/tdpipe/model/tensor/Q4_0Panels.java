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
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q4_0 panels: per block, the scales, then 16 × {@code PANEL} bytes, byte (j, row) holding the
 * row's column j in its low nibble and column j + 16 in its high one — GGML's own byte, moved and
 * XORed with 0x88. GGML stores each level plus 8; flipping each nibble's top bit makes the nibble
 * the level itself in 4-bit two's complement, so the kernels widen the bytes to ints and take the
 * levels with arithmetic shifts (two for the low nibble, one for the high), with no byte-lane
 * shift (which AVX2 lacks) and no offset to subtract.
 */
final class Q4_0Panels extends QuantizedPanels {
    private static final VectorSpecies<Integer> I = F.withLanes(int.class);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int HALF_BLOCK = 16;
    private static final int SOURCE_BLOCK_BYTES = 18;


    private Q4_0Panels(int rows, int cols) {
        super(rows, cols, BLOCK, SCALE_BYTES + (long) HALF_BLOCK * PANEL);
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
                                    (byte) (data.get(ValueLayout.JAVA_BYTE, src + 2 + j) ^ 0x88));
                        }
                    }
                }
            }
        });
        return p;
    }

    /** The packed bytes of {@code LANES} rows at {@code at}, widened to ints (sign-extended: the high nibble stays signed). */
    private IntVector packed(long at) {
        return (IntVector) ByteVector.fromMemorySegment(B, panels, at, LE).convertShape(VectorOperators.B2I, I, 0);
    }

    /** Column j's values of a row set: the low nibbles as signed levels, as floats. */
    private static FloatVector low(IntVector q) {
        return (FloatVector) q.lanewise(VectorOperators.LSHL, 28).lanewise(VectorOperators.ASHR, 28)
                .convert(VectorOperators.I2F, 0);
    }

    /** Column j + 16's values: the high nibbles as signed levels, as floats. */
    private static FloatVector high(IntVector q) {
        return (FloatVector) q.lanewise(VectorOperators.ASHR, 4).convert(VectorOperators.I2F, 0);
    }

    @Override
    void matVec(float[] x, float[] out, int from, int to) {
        float[] sums = PANEL_SUMS.get();
        for (int p = from; p < to; p++) {
            matVec1(x, sums, out, p);
        }
    }

    /** Panel {@code p}, columns in order: a block's low nibbles (0..15), then its high ones (16..31). */
    private void matVec1(float[] x, float[] sums, float[] out, int p) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector t = a0;
        long half = (long) LANES * Float.BYTES;
        for (int b = 0; b < blocksPerRow; b++) {
            long block = blockAt(p, b);
            FloatVector s0 = FloatVector.fromMemorySegment(F, panels, block, LE);
            FloatVector s1 = FloatVector.fromMemorySegment(F, panels, block + half, LE);
            long values = block + SCALE_BYTES;
            int k = b * BLOCK;
            t = touch(block, t);
            for (int j = 0; j < HALF_BLOCK; j++) {
                long at = values + (long) j * PANEL;
                FloatVector xk = FloatVector.broadcast(F, x[k + j]);
                a0 = low(packed(at)).mul(s0).fma(xk, a0);
                a1 = low(packed(at + LANES)).mul(s1).fma(xk, a1);
            }
            for (int j = 0; j < HALF_BLOCK; j++) {
                long at = values + (long) j * PANEL;
                FloatVector xk = FloatVector.broadcast(F, x[k + HALF_BLOCK + j]);
                a0 = high(packed(at)).mul(s0).fma(xk, a0);
                a1 = high(packed(at + LANES)).mul(s1).fma(xk, a1);
            }
        }
        sink(t);
        store(a0, a1, sums, out, p);
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
                IntVector q0 = packed(at);
                IntVector q1 = packed(at + LANES);
                low(q0).mul(s0).intoMemorySegment(dst, lowColumn, LE);
                low(q1).mul(s1).intoMemorySegment(dst, lowColumn + half, LE);
                high(q0).mul(s0).intoMemorySegment(dst, highColumn, LE);
                high(q1).mul(s1).intoMemorySegment(dst, highColumn + half, LE);
            }
        }
    }
}
