package org.tdpipe.model.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test helper: writes {@code .safetensors} files (tensors given with Hugging Face shapes, outermost first). */
final class SafetensorsWriter {
    record Tensor(String dtype, long[] shape, byte[] data) {
    }

    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    SafetensorsWriter add(String name, String dtype, long[] hfShape, byte[] data) {
        tensors.put(name, new Tensor(dtype, hfShape, data));
        return this;
    }

    void write(Path path) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            ObjectNode info = header.putObject(e.getKey());
            info.put("dtype", e.getValue().dtype());
            var shape = info.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            info.putArray("data_offsets").add(offset).add(offset + e.getValue().data().length);
            offset += e.getValue().data().length;
            data.writeBytes(e.getValue().data());
        }
        StringBuilder text = new StringBuilder(json.writeValueAsString(header));
        while (text.length() % 8 != 0) {
            text.append(' ');
        }
        byte[] headerBytes = text.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(path)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length).array());
            out.write(headerBytes);
            data.writeTo(out);
        }
    }
}
