package org.tdpipe.model.format;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Parses the GGUF layout: header, metadata, tensor infos, aligned data section. */
final class GgufReader {
    private static final int MAGIC = 0x46554747; // "GGUF" little-endian
    private static final int MAX_DIMS = 4;
    private static final int DEFAULT_ALIGNMENT = 32;
    private static final long MIN_TENSOR_INFO_BYTES = 8 + 4 + 8 + 4 + 8;
    private static final long MIN_KV_BYTES = 8 + 4 + 1;
    private static final String[] GGML_TYPE_NAMES = {
        "F32", "F16", "Q4_0", "Q4_1", "Q4_2", "Q4_3", "Q5_0", "Q5_1", "Q8_0", "Q8_1", "Q2_K", "Q3_K", "Q4_K",
        "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL", "IQ3_S", "IQ2_S", "IQ4_XS",
        "I8", "I16", "I32", "I64", "F64", "IQ1_M", "BF16",
    };

    private GgufReader() {
    }

    static GgufFile read(Path path, MemorySegment file, Arena arena) {
        ByteCursor in = new ByteCursor(file, path.toString());
        int magic = in.i32("magic");
        if (magic != MAGIC) {
            throw new ModelFormatException(path.toString(), String.format("bad magic 0x%08x, not a GGUF file", magic));
        }
        int version = in.i32("version");
        if (version != 2 && version != 3) {
            throw new ModelFormatException(path.toString(), "unsupported GGUF version " + Integer.toUnsignedString(version)
                    + " (supported: 2, 3; big-endian files are not supported)");
        }
        long tensorCountRaw = in.i64("tensor count");
        long kvCountRaw = in.i64("metadata count");
        int kvCount = in.boundedCount(kvCountRaw, MIN_KV_BYTES, "metadata count");
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < kvCount; i++) {
            String key = string(in, "metadata key");
            String shownKey = ShownText.of(key);
            GgufValueType type = GgufValueType.byId(in.i32("type of " + shownKey), in);
            if (values.put(key, value(in, type, shownKey)) != null) {
                throw new ModelFormatException(path.toString(), "duplicate metadata key " + shownKey);
            }
        }
        GgufMetadata metadata = new GgufMetadata(path.toString(), values);
        int tensorCount = in.boundedCount(tensorCountRaw, MIN_TENSOR_INFO_BYTES, "tensor count");
        long alignment = metadata.integer("general.alignment").orElse((long) DEFAULT_ALIGNMENT);
        if (alignment <= 0 || Long.bitCount(alignment) != 1) {
            throw new ModelFormatException(path.toString(), "general.alignment " + alignment + " is not a power of two");
        }
        TensorInfo[] infos = new TensorInfo[tensorCount];
        for (int i = 0; i < tensorCount; i++) {
            infos[i] = tensorInfo(in);
        }
        long dataStart = alignUp(in.position(), alignment);
        Map<String, TensorEntry> tensors = new LinkedHashMap<>();
        for (TensorInfo info : infos) {
            TensorEntry entry = info.slice(file, dataStart, alignment, path.toString());
            if (tensors.put(info.name, entry) != null) {
                throw new ModelFormatException(path.toString(), "duplicate tensor " + info.shownName());
            }
        }
        return new GgufFile(path, version, metadata, tensors, arena);
    }

    private static long alignUp(long offset, long alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }

    private static String string(ByteCursor in, String what) {
        long length = in.i64("length of " + what);
        return in.utf8(in.boundedCount(length, 1, "length of " + what), what);
    }

    private static Object value(ByteCursor in, GgufValueType type, String key) {
        return switch (type) {
            case UINT8 -> (long) Byte.toUnsignedInt(in.i8(key));
            case INT8 -> (long) in.i8(key);
            case UINT16 -> (long) Short.toUnsignedInt(in.i16(key));
            case INT16 -> (long) in.i16(key);
            case UINT32 -> Integer.toUnsignedLong(in.i32(key));
            case INT32 -> (long) in.i32(key);
            case UINT64, INT64 -> in.i64(key);
            case FLOAT32 -> (double) in.f32(key);
            case FLOAT64 -> in.f64(key);
            case BOOL -> in.i8(key) != 0;
            case STRING -> string(in, key);
            case ARRAY -> array(in, key);
        };
    }

    private static Object array(ByteCursor in, String key) {
        GgufValueType elementType = GgufValueType.byId(in.i32("element type of " + key), in);
        int count = in.boundedCount(in.i64("length of " + key), elementType.minBytes(), "array length of " + key);
        switch (elementType) {
            case STRING -> {
                String[] out = new String[count];
                for (int i = 0; i < count; i++) {
                    out[i] = string(in, key);
                }
                return out;
            }
            case FLOAT32, FLOAT64 -> {
                double[] out = new double[count];
                for (int i = 0; i < count; i++) {
                    out[i] = (Double) value(in, elementType, key);
                }
                return out;
            }
            case BOOL -> {
                boolean[] out = new boolean[count];
                for (int i = 0; i < count; i++) {
                    out[i] = in.i8(key) != 0;
                }
                return out;
            }
            case ARRAY -> {
                Object[] out = new Object[count];
                for (int i = 0; i < count; i++) {
                    out[i] = array(in, key);
                }
                return out;
            }
            default -> {
                long[] out = new long[count];
                for (int i = 0; i < count; i++) {
                    out[i] = (Long) value(in, elementType, key);
                }
                return out;
            }
        }
    }

    private static TensorInfo tensorInfo(ByteCursor in) {
        String stored = string(in, "tensor name");
        String name = ShownText.of(stored);
        int nDims = in.i32("dimension count of " + name);
        if (nDims < 1 || nDims > MAX_DIMS) {
            throw in.error("tensor " + name + " has " + nDims + " dimensions (1.." + MAX_DIMS + " allowed)");
        }
        long[] shape = new long[nDims];
        long elements = 1;
        for (int d = 0; d < nDims; d++) {
            shape[d] = in.i64("dimension of " + name);
            // no tensor can hold more elements than the file has bytes (the densest type is ~0.56 bytes/element)
            if (shape[d] <= 0 || shape[d] > 2 * in.size()) {
                throw in.error("tensor " + name + " has an implausible dimension " + Long.toUnsignedString(shape[d]));
            }
            elements = Math.multiplyExact(elements, shape[d]);
            if (elements > 2 * in.size()) {
                throw in.error("tensor " + name + " has more elements (" + elements + ") than the file can hold");
            }
        }
        int typeId = in.i32("type of " + name);
        GgmlType type;
        try {
            type = GgmlType.byId(typeId);
        } catch (IllegalArgumentException e) {
            String typeName = typeId >= 0 && typeId < GGML_TYPE_NAMES.length ? GGML_TYPE_NAMES[typeId] : "unknown";
            throw new ModelFormatException(in.location(), "tensor " + name + " has type " + typeName + " (id " + typeId
                    + "), which is not supported; supported: " + GgmlType.SUPPORTED);
        }
        long offset = in.i64("data offset of " + name);
        return new TensorInfo(stored, type, shape, elements, offset);
    }

    private record TensorInfo(String name, GgmlType type, long[] shape, long elements, long offset) {
        String shownName() {
            return ShownText.of(name);
        }

        TensorEntry slice(MemorySegment file, long dataStart, long alignment, String location) {
            String shown = shownName();
            if (elements % type.blockSize() != 0 || shape[0] % type.blockSize() != 0) {
                throw new ModelFormatException(location, "tensor " + shown + " of type " + type + " has a row length "
                        + shape[0] + " that is not a multiple of the block size " + type.blockSize());
            }
            long bytes = type.bytesFor(elements);
            if (offset < 0 || offset % alignment != 0) {
                throw new ModelFormatException(location, "tensor " + shown + " has a misaligned data offset " + offset);
            }
            long start = dataStart + offset;
            if (start < 0 || start > file.byteSize() || bytes > file.byteSize() - start) {
                throw new ModelFormatException(location, "tensor " + shown + " data [" + start + ", " + (start + bytes)
                        + ") lies past the end of the file (" + file.byteSize() + " bytes)");
            }
            return new TensorEntry(name, type, shape, file.asSlice(start, bytes));
        }
    }
}
