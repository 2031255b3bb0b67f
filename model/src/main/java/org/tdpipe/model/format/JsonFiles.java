package org.tdpipe.model.format;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads JSON configuration files, failing with the file name and the parser's line and column. */
final class JsonFiles {
    private JsonFiles() {
    }

    static JsonNode readObject(Path path, ObjectMapper json) {
        if (!Files.isRegularFile(path)) {
            throw new ModelFormatException(path.toString(), "missing file");
        }
        JsonNode node;
        try {
            node = json.readTree(path.toFile());
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new ModelFormatException(path.toString(), "bad JSON" + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelFormatException(path.toString(), "cannot read: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new ModelFormatException(path.toString(), "expected a JSON object");
        }
        return node;
    }

    static int requireInt(JsonNode node, String field, String location) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToInt() || !value.isIntegralNumber()) {
            throw new ModelFormatException(location, "missing or non-integer field " + field);
        }
        return value.asInt();
    }
}
