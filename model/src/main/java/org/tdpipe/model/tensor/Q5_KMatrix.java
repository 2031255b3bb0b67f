package org.tdpipe.model.tensor;

import java.lang.foreign.MemorySegment;
import org.tdpipe.model.format.GgmlType;

/**
 * GGML Q5_K weights: super-blocks of 256 values (176 bytes): half-precision d and dmin, 12 bytes of
 * scales and mins as in Q4_K, 32 bytes of high bits (bit s of byte l for value 32s + l), then 128
 * bytes of low 4 bits laid out as Q4_K's. Value {@code w = (d · scale) · q − dmin · min}, q in 0..31.
 */
public final class Q5_KMatrix extends KQuantMatrix {
    static final int D = 0;
    static final int DMIN = 2;
    static final int SCALES = 4;
    static final int QH = 16;
    static final int QS = 48;

    Q5_KMatrix(String name, int rows, int cols, MemorySegment data) {
        super(name, rows, cols, data, GgmlType.Q5_K, 32);
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
            int low = i % 64 < 32 ? b & 0xF : b >> 4;
            int high = (u8(block + QH + i % 32) >> (i / 32)) & 1;
            levels[i] = (byte) (low | (high << 4));
        }
    }
}
