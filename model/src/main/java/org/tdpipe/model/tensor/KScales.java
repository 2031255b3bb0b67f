package org.tdpipe.model.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The packed sub-block scales of the K-quants: Q4_K and Q5_K keep 8 pairs of 6-bit scale and
 * 6-bit min in 12 bytes, Q3_K 16 signed 6-bit scales (stored plus 32) in 12 bytes.
 */
final class KScales {
    private KScales() {
    }

    private static int u8(MemorySegment data, long at) {
        return data.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
    }

    /** Sub-block {@code j}'s 6-bit scale (Q4_K, Q5_K) from the 12 bytes at {@code at}. */
    static int scale(MemorySegment data, long at, int j) {
        return j < 4 ? u8(data, at + j) & 63 : (u8(data, at + j + 4) & 0xF) | ((u8(data, at + j - 4) >> 6) << 4);
    }

    /** Sub-block {@code j}'s 6-bit min (Q4_K, Q5_K) from the 12 bytes at {@code at}. */
    static int min(MemorySegment data, long at, int j) {
        return j < 4 ? u8(data, at + j + 4) & 63 : (u8(data, at + j + 4) >> 4) | ((u8(data, at + j) >> 6) << 4);
    }

    /**
     * Sub-block {@code j}'s signed scale (Q3_K, −32..31) from the 12 bytes at {@code at}: the low 4
     * bits are nibbles of bytes 0..7 (sub-blocks 0..7 low nibbles, 8..15 high nibbles), the high 2
     * bits are pairs of bytes 8..11.
     */
    static int signedScale(MemorySegment data, long at, int j) {
        int low = j < 8 ? u8(data, at + j) & 0xF : u8(data, at + j - 8) >> 4;
        int high = (u8(data, at + 8 + j % 4) >> (2 * (j / 4))) & 3;
        return (low | (high << 4)) - 32;
    }
}
