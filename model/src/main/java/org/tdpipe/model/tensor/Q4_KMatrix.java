package org.tdpipe.model.tensor;

import java.lang.foreign.MemorySegment;
import org.tdpipe.model.format.GgmlType;

/**
 * GGML Q4_K weights: super-blocks of 256 values (144 bytes): half-precision d and dmin, 12 bytes of
 * eight 6-bit scales and mins (one pair per 32 values), then 128 bytes of 4-bit values — bytes
 * 32c..32c+31 hold values 64c..64c+31 in their low nibbles and 64c+32..64c+63 in their high ones.
 * Value {@code w = (d · scale) · q − dmin · min}, q in 0..15.
 */
public final class Q4_KMatrix extends KQuantMatrix {
    static final int D = 0;
    static final int DMIN = 2;
    static final int SCALES = 4;
    static final int QS = 16;

    Q4_KMatrix(String name, int rows, int cols, MemorySegment data) {
        super(name, rows, cols, data, GgmlType.Q4_K, 32);
    }

    @Override
    void unpack(long block, float[] scales, float[] negatedMins, byte[] levels) {
        float d = half(block + D);
        float dmin = half(block + DMIN);
        for (int s = 0; s < 8; s++) {
            scales[s] = d * KScales.scale(data, block + SCALES, s);
            negatedMins[s] = -(dmin * KScales.min(data, block + SCALES, s));
        }
        for (int i = 0; i < 256; i++) {
            int b = u8(block + QS + i / 64 * 32 + i % 32);
            levels[i] = (byte) (i % 64 < 32 ? b & 0xF : b >> 4);
        }
    }
}
