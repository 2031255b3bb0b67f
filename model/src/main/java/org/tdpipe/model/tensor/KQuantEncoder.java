package org.tdpipe.model.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.tdpipe.model.format.GgmlType;

/**
 * Encodes 256-value super-blocks into the K-quant layouts that {@link Q2_KMatrix} … {@link Q6_KMatrix}
 * decode. Rounding is plain and one-pass — each group's scale spans its range (Q2_K, Q4_K, Q5_K:
 * minimum to maximum; Q3_K, Q6_K: the value of largest magnitude maps to the most negative level)
 * and the group scales are quantized against the super-block's largest — not llama.cpp's iterative
 * search for the error-minimizing scales, so these blocks are valid but somewhat less accurate than
 * {@code llama-quantize}'s. For dummy weights and tests.
 */
final class KQuantEncoder {
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int QK = 256;

    private KQuantEncoder() {
    }

    /** Encodes {@code v[from, from + 256)} as one {@code type} super-block at byte {@code at}. */
    static void encodeBlock(GgmlType type, float[] v, int from, MemorySegment out, long at) {
        out.asSlice(at, type.blockBytes()).fill((byte) 0);
        switch (type) {
            case Q2_K -> q2k(v, from, out, at);
            case Q3_K -> q3k(v, from, out, at);
            case Q4_K -> q4k(v, from, out, at, false);
            case Q5_K -> q4k(v, from, out, at, true);
            case Q6_K -> q6k(v, from, out, at);
            default -> throw new IllegalArgumentException(type + " is not a K-quant");
        }
    }

    /** The groups' scales and offsets of an asymmetric super-block, each group spanning min(0, lo)..hi. */
    private record Ranges(float[] scale, float[] min) {
        static Ranges of(float[] v, int from, int groupSize, int levels) {
            int groups = QK / groupSize;
            float[] scale = new float[groups];
            float[] min = new float[groups];
            for (int g = 0; g < groups; g++) {
                float lo = 0;
                float hi = 0;
                for (int l = 0; l < groupSize; l++) {
                    float x = v[from + g * groupSize + l];
                    lo = Math.min(lo, x);
                    hi = Math.max(hi, x);
                }
                scale[g] = (hi - lo) / levels;
                min[g] = -lo;
            }
            return new Ranges(scale, min);
        }
    }

    private static float roundedHalf(float x) {
        return Float.float16ToFloat(Float.floatToFloat16(x));
    }

    private static float max(float[] xs) {
        float m = 0;
        for (float x : xs) {
            m = Math.max(m, x);
        }
        return m;
    }

    /** {@code x / step} rounded and clamped to {@code lo..hi}; a zero step gives 0. */
    private static int level(float x, float step, int lo, int hi) {
        if (step == 0) {
            return 0;
        }
        return Math.max(lo, Math.min(hi, Math.round(x / step)));
    }

    /** The value of largest magnitude (with its sign) of {@code v[from, from + n)}. */
    private static float extreme(float[] v, int from, int n) {
        float amax = 0;
        float extreme = 0;
        for (int i = 0; i < n; i++) {
            if (Math.abs(v[from + i]) > amax) {
                amax = Math.abs(v[from + i]);
                extreme = v[from + i];
            }
        }
        return extreme;
    }

    private static void put(MemorySegment out, long at, int value) {
        out.set(ValueLayout.JAVA_BYTE, at, (byte) value);
    }

    private static void or(MemorySegment out, long at, int bits) {
        out.set(ValueLayout.JAVA_BYTE, at, (byte) (out.get(ValueLayout.JAVA_BYTE, at) | bits));
    }

    private static void q2k(float[] v, int from, MemorySegment out, long at) {
        Ranges r = Ranges.of(v, from, 16, 3);
        float d = roundedHalf(max(r.scale()) / 15);
        float dmin = roundedHalf(max(r.min()) / 15);
        out.set(HALF, at + Q2_KMatrix.D, Float.floatToFloat16(d));
        out.set(HALF, at + Q2_KMatrix.DMIN, Float.floatToFloat16(dmin));
        for (int g = 0; g < 16; g++) {
            int sc = level(r.scale()[g], d, 0, 15);
            int m = level(r.min()[g], dmin, 0, 15);
            put(out, at + Q2_KMatrix.SCALES + g, sc | (m << 4));
            for (int l = 0; l < 16; l++) {
                int i = g * 16 + l;
                int q = level(v[from + i] + dmin * m, d * sc, 0, 3);
                or(out, at + Q2_KMatrix.QS + Q2_KMatrix.valueByte(i), q << Q2_KMatrix.valueShift(i));
            }
        }
    }

    private static void q3k(float[] v, int from, MemorySegment out, long at) {
        float[] scale = new float[16];
        for (int g = 0; g < 16; g++) {
            scale[g] = extreme(v, from + g * 16, 16) / -4;
        }
        float d = roundedHalf(extreme(scale, 0, 16) / -32);
        out.set(HALF, at + Q3_KMatrix.D, Float.floatToFloat16(d));
        for (int g = 0; g < 16; g++) {
            int sc = level(scale[g], d, -32, 31);
            int stored = sc + 32;
            or(out, at + Q3_KMatrix.SCALES + g % 8, (stored & 0xF) << (g < 8 ? 0 : 4));
            or(out, at + Q3_KMatrix.SCALES + 8 + g % 4, (stored >> 4) << (2 * (g / 4)));
            for (int l = 0; l < 16; l++) {
                int i = g * 16 + l;
                int q = level(v[from + i], d * sc, -4, 3);
                int low = q & 3;
                or(out, at + Q3_KMatrix.QS + Q2_KMatrix.valueByte(i), low << Q2_KMatrix.valueShift(i));
                if (q >= 0) {
                    or(out, at + Q3_KMatrix.HMASK + i % 32, 1 << (i / 32));
                }
            }
        }
    }

    /** Q4_K, or Q5_K with {@code fiveBits}: their scales, mins and low nibbles share one layout. */
    private static void q4k(float[] v, int from, MemorySegment out, long at, boolean fiveBits) {
        int top = fiveBits ? 31 : 15;
        Ranges r = Ranges.of(v, from, 32, top);
        float d = roundedHalf(max(r.scale()) / 63);
        float dmin = roundedHalf(max(r.min()) / 63);
        out.set(HALF, at + Q4_KMatrix.D, Float.floatToFloat16(d));
        out.set(HALF, at + Q4_KMatrix.DMIN, Float.floatToFloat16(dmin));
        long scales = at + Q4_KMatrix.SCALES;
        long qs = at + (fiveBits ? Q5_KMatrix.QS : Q4_KMatrix.QS);
        for (int s = 0; s < 8; s++) {
            int sc = level(r.scale()[s], d, 0, 63);
            int m = level(r.min()[s], dmin, 0, 63);
            if (s < 4) {
                or(out, scales + s, sc);
                or(out, scales + s + 4, m);
            } else {
                or(out, scales + s + 4, (sc & 0xF) | ((m & 0xF) << 4));
                or(out, scales + s - 4, (sc >> 4) << 6);
                or(out, scales + s, (m >> 4) << 6);
            }
            for (int l = 0; l < 32; l++) {
                int i = s * 32 + l;
                int q = level(v[from + i] + dmin * m, d * sc, 0, top);
                or(out, qs + i / 64 * 32 + l, (q & 0xF) << (i % 64 < 32 ? 0 : 4));
                if (fiveBits) {
                    or(out, at + Q5_KMatrix.QH + l, (q >> 4) << s);
                }
            }
        }
    }

    private static void q6k(float[] v, int from, MemorySegment out, long at) {
        float[] scale = new float[16];
        for (int g = 0; g < 16; g++) {
            scale[g] = extreme(v, from + g * 16, 16) / -32;
        }
        float d = roundedHalf(extreme(scale, 0, 16) / -128);
        out.set(HALF, at + Q6_KMatrix.D, Float.floatToFloat16(d));
        for (int g = 0; g < 16; g++) {
            int sc = level(scale[g], d, -128, 127);
            put(out, at + Q6_KMatrix.SCALES + g, sc);
            for (int l = 0; l < 16; l++) {
                int i = g * 16 + l;
                int q = level(v[from + i], d * sc, -32, 31) + 32;
                int half = i / 128;
                int j = i % 128 / 32;
                int pos = i % 32;
                or(out, at + Q6_KMatrix.QL + half * 64 + (j % 2) * 32 + pos, (q & 0xF) << (j < 2 ? 0 : 4));
                or(out, at + Q6_KMatrix.QH + half * 32 + pos, (q >> 4) << (2 * j));
            }
        }
    }
}
