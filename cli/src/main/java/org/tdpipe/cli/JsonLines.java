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
    /** Converts one parsed line; throws IllegalArgumentException naming the problem. */
    @FunctionalInterface
    interface LineConverter<T> {
        T convert(JsonNode node, int lineNumber);
    }

    /** A line's converted value. */
    record Line<T>(int number, T value) {
    }

    /** A line that could not be read, and why. */
    record LineError(Path file, int number, String message) {
        @Override
        public String toString() {
            return file + " line " + number + ": " + message;
        }
    }

    /** Every line's value or error, in file order. */
    record Parsed<T>(List<Line<T>> lines, List<LineError> errors) {
    }

    private JsonLines() {
    }

    /**
     * Converts every line with {@code convert}; fails on the first bad line, and with
     * {@code file: no <what>} when the file has no lines.
     */
    static <T> List<T> read(Path file, String what, Function<JsonNode, T> convert) {
        Parsed<T> parsed = parse(file, (node, line) -> convert.apply(node));
        if (!parsed.errors().isEmpty()) {
            throw new IllegalArgumentException(parsed.errors().getFirst().toString());
        }
        if (parsed.lines().isEmpty()) {
            throw new IllegalArgumentException(file + ": no " + what);
        }
        return parsed.lines().stream().map(Line::value).toList();
    }

    /** Converts every line, collecting the bad ones (invalid JSON, or refused by {@code convert}) instead of failing. */
    static <T> Parsed<T> parse(Path file, LineConverter<T> convert) {
        List<String> text;
        try {
            text = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
        ObjectMapper json = new ObjectMapper();
        List<Line<T>> lines = new ArrayList<>();
        List<LineError> errors = new ArrayList<>();
        for (int i = 0; i < text.size(); i++) {
            String line = text.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            int number = i + 1;
            try {
                lines.add(new Line<>(number, convert.convert(json.readTree(line), number)));
            } catch (JsonProcessingException e) {
                errors.add(new LineError(file, number, "not valid JSON: " + e.getOriginalMessage()));
            } catch (IllegalArgumentException e) {
                errors.add(new LineError(file, number, e.getMessage()));
            }
        }
        return new Parsed<>(lines, errors);
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
