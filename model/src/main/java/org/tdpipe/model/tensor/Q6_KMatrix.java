package org.tdpipe.model.tensor;

import java.lang.foreign.MemorySegment;
import org.tdpipe.model.format.GgmlType;

/**
 * GGML Q6_K weights: super-blocks of 256 values (210 bytes): 128 bytes of low 4 bits, 64 bytes of
 * high 2 bits, 16 signed 8-bit scales (one per 16 values), then the half-precision scale d. In each
 * half of 128 values, value 32j + l takes the low or high nibble of low byte l (j even: low; j ≥ 2:
 * from byte l + 32) and bits 2j..2j+1 of high byte l. Value {@code w = (d · scale) · q}, q in −32..31.
 */
public final class Q6_KMatrix extends KQuantMatrix {
    static final int QL = 0;
    static final int QH = 128;
    static final int SCALES = 192;
    static final int D = 208;

    Q6_KMatrix(String name, int rows, int cols, MemorySegment data) {
        super(name, rows, cols, data, GgmlType.Q6_K, 16);
    }

    @Override
    void unpack(long block, float[] scales, float[] negatedMins, byte[] levels) {
        float d = half(block + D);
        for (int g = 0; g < 16; g++) {
            scales[g] = d * (byte) u8(block + SCALES + g);
            negatedMins[g] = -0f;
        }
        for (int i = 0; i < 256; i++) {
            int half = i / 128;
            int j = i % 128 / 32;
            int pos = i % 32;
            int low = u8(block + QL + half * 64 + (j % 2) * 32 + pos);
            low = j < 2 ? low & 0xF : low >> 4;
            int high = (u8(block + QH + half * 32 + pos) >> (2 * j)) & 3;
            levels[i] = (byte) ((low | (high << 4)) - 32);
        }
    }
}
