package org.tdpipe.model.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Sequential little-endian reader over a memory segment. Every read is bounds-checked and fails with a
 * {@link ModelFormatException} naming the file, the field and the offset, so that a truncated or corrupt
 * file never surfaces as an index error.
 */
final class ByteCursor {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment segment;
    private final String location;
    private long position;

    ByteCursor(MemorySegment segment, String location) {
        this.segment = segment;
        this.location = location;
    }

    String location() {
        return location;
    }

    long position() {
        return position;
    }

    long remaining() {
        return segment.byteSize() - position;
    }

    long size() {
        return segment.byteSize();
    }

    ModelFormatException error(String problem) {
        return new ModelFormatException(location, problem + " (at byte offset " + position + ")");
    }

    private long take(long bytes, String what) {
        if (bytes < 0 || bytes > remaining()) {
            throw error("truncated: " + what + " needs " + bytes + " bytes but only " + remaining() + " remain");
        }
        long at = position;
        position += bytes;
        return at;
    }

    byte i8(String what) {
        return segment.get(ValueLayout.JAVA_BYTE, take(1, what));
    }

    short i16(String what) {
        return segment.get(SHORT, take(2, what));
    }

    int i32(String what) {
        return segment.get(INT, take(4, what));
    }

    long i64(String what) {
        return segment.get(LONG, take(8, what));
    }

    float f32(String what) {
        return segment.get(FLOAT, take(4, what));
    }

    double f64(String what) {
        return segment.get(DOUBLE, take(8, what));
    }

    /**
     * A count or length that must fit the rest of the file: {@code count * minBytesEach <= remaining()}.
     * This is what keeps a corrupt count from triggering a huge allocation or a long loop.
     */
    int boundedCount(long count, long minBytesEach, String what) {
        if (count < 0 || count > Integer.MAX_VALUE - 8 || (minBytesEach > 0 && count > remaining() / minBytesEach)) {
            throw error("implausible " + what + " " + Long.toUnsignedString(count) + " for " + remaining() + " remaining bytes");
        }
        return (int) count;
    }

    byte[] bytes(int length, String what) {
        long at = take(length, what);
        return segment.asSlice(at, length).toArray(ValueLayout.JAVA_BYTE);
    }

    String utf8(int length, String what) {
        return new String(bytes(length, what), StandardCharsets.UTF_8);
    }

    void seek(long offset) {
        if (offset < 0 || offset > segment.byteSize()) {
            throw error("offset " + offset + " outside the file of " + segment.byteSize() + " bytes");
        }
        position = offset;
    }
}
