package org.tdpipe.model.tensor;

import java.lang.foreign.MemorySegment;
import org.tdpipe.model.format.GgmlType;

/**
 * GGML Q3_K weights: super-blocks of 256 values (110 bytes): 32 bytes of high bits, 64 bytes of
 * low 2 bits, 12 bytes of 16 signed 6-bit scales (one per 16 values), then the half-precision
 * scale d. Value {@code w = (d · scale) · q}, q = low bits − (high bit set ? 0 : 4), in −4..3.
 */
public final class Q3_KMatrix extends KQuantMatrix {
    static final int HMASK = 0;
    static final int QS = 32;
    static final int SCALES = 96;
    static final int D = 108;

    Q3_KMatrix(String name, int rows, int cols, MemorySegment data) {
        super(name, rows, cols, data, GgmlType.Q3_K, 16);
    }

    @Override
    void unpack(long block, float[] scales, float[] negatedMins, byte[] levels) {
        float d = half(block + D);
        for (int g = 0; g < 16; g++) {
            scales[g] = d * KScales.signedScale(data, block + SCALES, g);
            negatedMins[g] = -0f;
        }
        for (int i = 0; i < 256; i++) {
            int low = (u8(block + QS + Q2_KMatrix.valueByte(i)) >> Q2_KMatrix.valueShift(i)) & 3;
            boolean high = (u8(block + HMASK + i % 32) >> (i / 32) & 1) != 0;
            levels[i] = (byte) (low - (high ? 0 : 4));
        }
    }
}
