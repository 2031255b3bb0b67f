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

/**
 * K-quant panels (Q2_K … Q6_K alike): per group of 16 or 32 columns, the {@code PANEL} rows' scales,
 * their negated minimums, then the group's integer levels as {@code columns × PANEL} signed bytes.
 * A weight is {@code fma(scale, level, −min)}, as {@link KQuantMatrix} decodes it. The levels are
 * kept one byte each whatever the type's bit width (1.25 or 1.5 bytes a weight with the scales): one
 * widening load per vector, the same kernel for every K-quant.
 */
final class KQuantPanels extends QuantizedPanels {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    private static final long VECTOR_BYTES = (long) LANES * Float.BYTES;

    private final int groupSize;

    private KQuantPanels(int rows, int cols, int groupSize) {
        super(rows, cols, groupSize, 2 * SCALE_BYTES + (long) groupSize * PANEL);
        this.groupSize = groupSize;
    }

    /** Repacks the rows of {@code m} on {@code parallel}'s threads. */
    static KQuantPanels of(KQuantMatrix m, Parallel parallel) {
        int g = m.groupSize();
        int groupsPerSuperBlock = KQuantMatrix.SUPER_BLOCK / g;
        KQuantPanels p = new KQuantPanels(m.rows(), m.cols(), g);
        int superBlocks = m.cols() / KQuantMatrix.SUPER_BLOCK;
        long rowBytes = (long) superBlocks * m.type().blockBytes();
        parallel.forRange(p.numPanels, 1, (from, to) -> {
            float[] scales = new float[groupsPerSuperBlock];
            float[] negatedMins = new float[groupsPerSuperBlock];
            byte[] levels = new byte[KQuantMatrix.SUPER_BLOCK];
            for (int panel = from; panel < to; panel++) {
                for (int i = 0; i < PANEL && panel * PANEL + i < m.rows(); i++) {
                    for (int sb = 0; sb < superBlocks; sb++) {
                        m.unpack((panel * PANEL + i) * rowBytes + (long) sb * m.type().blockBytes(), scales, negatedMins, levels);
                        for (int group = 0; group < groupsPerSuperBlock; group++) {
                            long dst = p.blockAt(panel, sb * groupsPerSuperBlock + group);
                            p.panels.set(FLOAT, dst + (long) i * Float.BYTES, scales[group]);
                            p.panels.set(FLOAT, dst + SCALE_BYTES + (long) i * Float.BYTES, negatedMins[group]);
                            for (int j = 0; j < g; j++) {
                                p.panels.set(ValueLayout.JAVA_BYTE, dst + 2 * SCALE_BYTES + (long) j * PANEL + i,
                                        levels[group * g + j]);
                            }
                        }
                    }
                }
            }
        });
        return p;
    }

    private FloatVector level(long at) {
        return Vectors.widen(ByteVector.fromMemorySegment(B, panels, at, LE));
    }

    private FloatVector floats(long at) {
        return FloatVector.fromMemorySegment(F, panels, at, LE);
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
        FloatVector t = a0;
        for (int b = 0; b < blocksPerRow; b++) {
            long bp = blockAt(p, b);
            long bq = blockAt(q, b);
            t = touch(bq, touch(bp, t));
            FloatVector s0 = floats(bp);
            FloatVector s1 = floats(bp + VECTOR_BYTES);
            FloatVector m0 = floats(bp + SCALE_BYTES);
            FloatVector m1 = floats(bp + SCALE_BYTES + VECTOR_BYTES);
            FloatVector s2 = floats(bq);
            FloatVector s3 = floats(bq + VECTOR_BYTES);
            FloatVector m2 = floats(bq + SCALE_BYTES);
            FloatVector m3 = floats(bq + SCALE_BYTES + VECTOR_BYTES);
            long vp = bp + 2 * SCALE_BYTES;
            long vq = bq + 2 * SCALE_BYTES;
            int k = b * groupSize;
            for (int j = 0; j < groupSize; j++) {
                long o = (long) j * PANEL;
                FloatVector xk = FloatVector.broadcast(F, x[k + j]);
                a0 = level(vp + o).fma(s0, m0).fma(xk, a0);
                a1 = level(vp + o + LANES).fma(s1, m1).fma(xk, a1);
                a2 = level(vq + o).fma(s2, m2).fma(xk, a2);
                a3 = level(vq + o + LANES).fma(s3, m3).fma(xk, a3);
            }
        }
        sink(t);
        float[] sums = PANEL_SUMS.get();
        store(a2, a3, sums, out, q);
        store(a0, a1, sums, out, p);
    }

    @Override
    protected void decodePanel(int panel, MemorySegment dst) {
        for (int b = 0; b < blocksPerRow; b++) {
            long block = blockAt(panel, b);
            FloatVector s0 = floats(block);
            FloatVector s1 = floats(block + VECTOR_BYTES);
            FloatVector m0 = floats(block + SCALE_BYTES);
            FloatVector m1 = floats(block + SCALE_BYTES + VECTOR_BYTES);
            long levels = block + 2 * SCALE_BYTES;
            for (int j = 0; j < groupSize; j++) {
                long at = levels + (long) j * PANEL;
                long column = (long) (b * groupSize + j) * PanelKernels.COLUMN_BYTES;
                level(at).fma(s0, m0).intoMemorySegment(dst, column, LE);
                level(at + LANES).fma(s1, m1).intoMemorySegment(dst, column + VECTOR_BYTES, LE);
            }
        }
    }
}
