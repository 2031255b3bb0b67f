package org.tdpipe.model.format;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One memory-mapped {@code .safetensors} file: an 8-byte little-endian header length, a JSON header
 * {@code {name: {dtype, shape, data_offsets}}} and the tensor bytes. Tensors keep their Hugging Face names;
 * shapes are reversed to GGUF order (innermost first) — the bytes of a row-major {@code [out, in]} matrix
 * are exactly those of a GGUF {@code {in, out}} one.
 */
final class SafetensorsFile {
    private static final long MAX_HEADER_BYTES = 100L << 20;

    private SafetensorsFile() {
    }

    /** The tensors of {@code path} by Hugging Face name, as views of its mapping in {@code arena}. */
    static Map<String, TensorEntry> read(Path path, Arena arena, ObjectMapper json) {
        String location = path.toString();
        MemorySegment file = MappedFiles.map(path, arena);
        ByteCursor in = new ByteCursor(file, location);
        long headerLength = in.i64("header length");
        if (headerLength < 2 || headerLength > in.remaining() || headerLength > MAX_HEADER_BYTES) {
            throw new ModelFormatException(location, "implausible header length " + headerLength + " for a file of "
                    + file.byteSize() + " bytes (not a safetensors file?)");
        }
        JsonNode header;
        try {
            header = json.readTree(new String(in.bytes((int) headerLength, "header"), StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw new ModelFormatException(location, "bad JSON header: " + e.getOriginalMessage(), e);
        }
        if (header == null || !header.isObject()) {
            throw new ModelFormatException(location, "the header is not a JSON object");
        }
        long dataStart = 8 + headerLength;
        Map<String, TensorEntry> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : header.properties()) {
            if (!field.getKey().equals("__metadata__")) {
                tensors.put(field.getKey(), tensor(field.getKey(), field.getValue(), file, dataStart, location));
            }
        }
        return tensors;
    }

    private static TensorEntry tensor(String name, JsonNode info, MemorySegment file, long dataStart, String location) {
        GgmlType type = switch (info.path("dtype").asText("")) {
            case "F32" -> GgmlType.F32;
            case "F16" -> GgmlType.F16;
            case "BF16" -> GgmlType.BF16;
            default -> throw new ModelFormatException(location, "tensor " + name + " has dtype '" + info.path("dtype").asText()
                    + "', which is not supported; supported: F32, F16, BF16");
        };
        JsonNode shapeNode = info.path("shape");
        JsonNode offsets = info.path("data_offsets");
        if (!shapeNode.isArray() || shapeNode.isEmpty() || shapeNode.size() > 4 || !offsets.isArray() || offsets.size() != 2) {
            throw new ModelFormatException(location, "tensor " + name + " needs a shape of 1 to 4 dimensions and two data_offsets");
        }
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int d = 0; d < shape.length; d++) {
            JsonNode dim = shapeNode.get(shape.length - 1 - d);
            shape[d] = dim.canConvertToLong() ? dim.asLong() : -1;
            if (shape[d] <= 0 || shape[d] > file.byteSize()) {
                throw new ModelFormatException(location, "tensor " + name + " has an implausible shape " + shapeNode);
            }
            elements = Math.multiplyExact(elements, shape[d]);
            if (elements > file.byteSize()) {
                throw new ModelFormatException(location, "tensor " + name + " of shape " + shapeNode + " cannot fit the file");
            }
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        long bytes = type.bytesFor(elements);
        if (begin < 0 || end - begin != bytes) {
            throw new ModelFormatException(location, "tensor " + name + " has data_offsets " + offsets + " but its shape "
                    + shapeNode + " needs " + bytes + " bytes");
        }
        if (end > file.byteSize() - dataStart) {
            throw new ModelFormatException(location, "tensor " + name + " data ends at " + (dataStart + end)
                    + ", past the end of the file (" + file.byteSize() + " bytes)");
        }
        return new TensorEntry(name, type, shape, file.asSlice(dataStart + begin, bytes));
    }
}
