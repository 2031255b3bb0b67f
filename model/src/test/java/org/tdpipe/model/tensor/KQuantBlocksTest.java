package org.tdpipe.model.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.tdpipe.model.format.GgmlType;

/**
 * Each K-quant decoder on hand-made super-blocks at the ends of every field's range — the largest
 * and the smallest (subnormal) half-precision scales, negative scales, the extreme 6-bit and 8-bit
 * sub-block scales and the extreme quantized values — against the format's formula in doubles.
 */
class KQuantBlocksTest {
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final float HALF_MAX = 65504f;
    private static final float HALF_TINY = 0x1p-24f; // the smallest subnormal half

    /** A super-block whose bytes are all {@code fill}, then its half-precision fields set. */
    private static MemorySegment block(Arena arena, GgmlType type, int fill, long[] halfOffsets, float[] halves) {
        MemorySegment b = arena.allocate(type.blockBytes());
        b.fill((byte) fill);
        for (int i = 0; i < halfOffsets.length; i++) {
            b.set(HALF, halfOffsets[i], Float.floatToFloat16(halves[i]));
        }
        return b;
    }

    private static void assertEveryValue(GgmlType type, MemorySegment block, double expected) {
        float[] out = new float[256];
        Matrix.of("w", type, 1, 256, block).readRow(0, out, 0);
        for (int i = 0; i < 256; i++) {
            assertEquals(expected, out[i], Math.abs(expected) * 1e-6, type + " value " + i);
        }
    }

    @Test
    void q2kAtTheEndsOfItsRanges() {
        try (Arena arena = Arena.ofConfined()) {
            long[] dAndMin = {Q2_KMatrix.D, Q2_KMatrix.DMIN};
            // scale nibble 15, min nibble 15, q = 3: (d·15)·3 − dmin·15
            assertEveryValue(GgmlType.Q2_K, block(arena, GgmlType.Q2_K, 0xFF, dAndMin, new float[] {HALF_MAX, HALF_MAX}),
                    HALF_MAX * 15.0 * 3 - HALF_MAX * 15.0);
            // the same with every q = 0 and scale/min nibbles 0 except via d: all zero
            assertEveryValue(GgmlType.Q2_K, block(arena, GgmlType.Q2_K, 0x00, dAndMin, new float[] {HALF_MAX, HALF_TINY}), 0);
            assertEveryValue(GgmlType.Q2_K, block(arena, GgmlType.Q2_K, 0xFF, dAndMin, new float[] {-HALF_TINY, HALF_MAX}),
                    -HALF_TINY * 15.0 * 3 - HALF_MAX * 15.0);
        }
    }

    @Test
    void q3kAtTheEndsOfItsRanges() {
        try (Arena arena = Arena.ofConfined()) {
            long[] d = {Q3_KMatrix.D};
            // all bits set: scale 63 − 32 = 31, low bits 3, high bit set: q = 3
            assertEveryValue(GgmlType.Q3_K, block(arena, GgmlType.Q3_K, 0xFF, d, new float[] {-HALF_MAX}), -HALF_MAX * 31.0 * 3);
            // no bits set: scale −32, q = 0 − 4
            assertEveryValue(GgmlType.Q3_K, block(arena, GgmlType.Q3_K, 0x00, d, new float[] {HALF_MAX}), HALF_MAX * -32.0 * -4);
            assertEveryValue(GgmlType.Q3_K, block(arena, GgmlType.Q3_K, 0x00, d, new float[] {HALF_TINY}), HALF_TINY * -32.0 * -4);
        }
    }

    @Test
    void q4kAndQ5kAtTheEndsOfTheirRanges() {
        try (Arena arena = Arena.ofConfined()) {
            long[] dAndMin = {Q4_KMatrix.D, Q4_KMatrix.DMIN};
            // all bits set: 6-bit scale and min 63, q = 15 (Q4_K) or 31 (Q5_K)
            assertEveryValue(GgmlType.Q4_K, block(arena, GgmlType.Q4_K, 0xFF, dAndMin, new float[] {HALF_MAX, HALF_TINY}),
                    HALF_MAX * 63.0 * 15 - HALF_TINY * 63.0);
            assertEveryValue(GgmlType.Q5_K, block(arena, GgmlType.Q5_K, 0xFF, dAndMin, new float[] {HALF_MAX, -HALF_MAX}),
                    HALF_MAX * 63.0 * 31 + HALF_MAX * 63.0);
            assertEveryValue(GgmlType.Q4_K, block(arena, GgmlType.Q4_K, 0x00, dAndMin, new float[] {HALF_MAX, HALF_MAX}), 0);
            assertEveryValue(GgmlType.Q5_K, block(arena, GgmlType.Q5_K, 0xFF, dAndMin, new float[] {HALF_TINY, HALF_TINY}),
                    HALF_TINY * 63.0 * 31 - HALF_TINY * 63.0);
        }
    }

    @Test
    void q6kAtTheEndsOfItsRanges() {
        try (Arena arena = Arena.ofConfined()) {
            long[] d = {Q6_KMatrix.D};
            // no bits set: q = 0 − 32; 8-bit scales set to −128
            MemorySegment low = block(arena, GgmlType.Q6_K, 0x00, d, new float[] {HALF_MAX});
            low.asSlice(Q6_KMatrix.SCALES, 16).fill((byte) 0x80);
            assertEveryValue(GgmlType.Q6_K, low, HALF_MAX * -128.0 * -32);
            // all bits set: q = 63 − 32; scales 127
            MemorySegment high = block(arena, GgmlType.Q6_K, 0xFF, d, new float[] {-HALF_TINY});
            high.asSlice(Q6_KMatrix.SCALES, 16).fill((byte) 0x7F);
            assertEveryValue(GgmlType.Q6_K, high, -HALF_TINY * 127.0 * 31);
        }
    }
}
