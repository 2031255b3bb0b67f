package org.tdpipe.model.tensor;

import java.lang.foreign.MemorySegment;
import org.tdpipe.model.format.GgmlType;

/**
 * GGML Q2_K weights: super-blocks of 256 values (84 bytes): 16 bytes of 4-bit scale and 4-bit min
 * per 16 values, 64 bytes of 2-bit values, then the half-precision scales d and dmin. Value
 * {@code w = (d · scale) · q − dmin · min}, q in 0..3.
 */
public final class Q2_KMatrix extends KQuantMatrix {
    static final int SCALES = 0;
    static final int QS = 16;
    static final int D = 80;
    static final int DMIN = 82;

    Q2_KMatrix(String name, int rows, int cols, MemorySegment data) {
        super(name, rows, cols, data, GgmlType.Q2_K, 16);
    }

    /** Byte of the 2-bit value at position {@code i} (0..255) of a super-block, and its shift. */
    static int valueByte(int i) {
        return i / 128 * 32 + i % 32;
    }

    static int valueShift(int i) {
        return 2 * (i % 128 / 32);
    }

    @Override
    void unpack(long block, float[] scales, float[] negatedMins, byte[] levels) {
        float d = half(block + D);
        float dmin = half(block + DMIN);
        for (int g = 0; g < 16; g++) {
            int sc = u8(block + SCALES + g);
            scales[g] = d * (sc & 0xF);
            negatedMins[g] = -(dmin * (sc >> 4));
        }
        for (int i = 0; i < 256; i++) {
            levels[i] = (byte) ((u8(block + QS + valueByte(i)) >> valueShift(i)) & 3);
        }
    }
}
