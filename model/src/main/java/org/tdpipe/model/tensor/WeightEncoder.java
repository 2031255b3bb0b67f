package org.tdpipe.model.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.tdpipe.model.format.GgmlType;

/**
 * Encodes float values into a storage type's bytes (GGML layouts, little-endian), e.g. for dummy
 * weights or tests. Quantization uses the reference GGML rounding: Q8_0 scale = max|x| / 127,
 * Q4_0 scale = (value of largest magnitude) / -8; the K-quants as {@link KQuantEncoder} says.
 */
public final class WeightEncoder {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private WeightEncoder() {
    }

    /** A new segment of {@code type.bytesFor(values.length)} bytes allocated in {@code arena}. */
    public static MemorySegment encode(GgmlType type, float[] values, Arena arena) {
        MemorySegment out = arena.allocate(type.bytesFor(values.length), 64);
        encode(type, values, 0, values.length, out, 0);
        return out;
    }

    /** Encodes {@code values[from, to)} into {@code out} at byte offset {@code outOffset}. */
    public static void encode(GgmlType type, float[] values, int from, int to, MemorySegment out, long outOffset) {
        switch (type) {
            case F32 -> MemorySegment.copy(values, from, out, FLOAT, outOffset, to - from);
            case F16 -> {
                for (int i = from; i < to; i++) {
                    out.set(SHORT, outOffset + 2L * (i - from), Float.floatToFloat16(values[i]));
                }
            }
            case BF16 -> {
                for (int i = from; i < to; i++) {
                    out.set(SHORT, outOffset + 2L * (i - from), toBf16(values[i]));
                }
            }
            case Q8_0 -> {
                type.bytesFor(to - from);
                for (int b = from; b < to; b += 32) {
                    encodeQ8Block(values, b, out, outOffset + (long) (b - from) / 32 * 34);
                }
            }
            case Q4_0 -> {
                type.bytesFor(to - from);
                for (int b = from; b < to; b += 32) {
                    encodeQ4Block(values, b, out, outOffset + (long) (b - from) / 32 * 18);
                }
            }
            case Q2_K, Q3_K, Q4_K, Q5_K, Q6_K -> {
                type.bytesFor(to - from);
                for (int b = from; b < to; b += 256) {
                    KQuantEncoder.encodeBlock(type, values, b, out, outOffset + (long) (b - from) / 256 * type.blockBytes());
                }
            }
        }
    }

    private static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    private static void encodeQ8Block(float[] v, int from, MemorySegment out, long at) {
        float amax = 0;
        for (int j = 0; j < 32; j++) {
            amax = Math.max(amax, Math.abs(v[from + j]));
        }
        float d = amax / 127f;
        float id = d != 0 ? 1f / d : 0;
        out.set(SHORT, at, Float.floatToFloat16(d));
        for (int j = 0; j < 32; j++) {
            out.set(ValueLayout.JAVA_BYTE, at + 2 + j, (byte) Math.round(v[from + j] * id));
        }
    }

    private static void encodeQ4Block(float[] v, int from, MemorySegment out, long at) {
        float amax = 0;
        float max = 0;
        for (int j = 0; j < 32; j++) {
            if (Math.abs(v[from + j]) > amax) {
                amax = Math.abs(v[from + j]);
                max = v[from + j];
            }
        }
        float d = max / -8f;
        float id = d != 0 ? 1f / d : 0;
        out.set(SHORT, at, Float.floatToFloat16(d));
        for (int j = 0; j < 16; j++) {
            int lo = Math.min(15, (int) (v[from + j] * id + 8.5f));
            int hi = Math.min(15, (int) (v[from + 16 + j] * id + 8.5f));
            out.set(ValueLayout.JAVA_BYTE, at + 2 + j, (byte) (lo | (hi << 4)));
        }
    }
}
