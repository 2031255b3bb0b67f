package org.tdpipe.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Reads a JSONL file, one object per non-blank line; any error names the file and the line. */
final class JsonLines {
    private JsonLines() {
    }

    /**
     * Converts every line with {@code convert}, which may throw IllegalArgumentException naming the
     * problem; fails with {@code file: no <what>} when the file has no lines.
     */
    static <T> List<T> read(Path file, String what, Function<JsonNode, T> convert) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
        ObjectMapper json = new ObjectMapper();
        List<T> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = file + " line " + (i + 1) + ": ";
            try {
                out.add(convert.apply(json.readTree(line)));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(where + "not valid JSON: " + e.getOriginalMessage());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no " + what);
        }
        return out;
    }

    /** The field's value; missing or null is an error naming it. */
    static JsonNode require(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return value;
    }
}
