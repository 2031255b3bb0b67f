package org.tdpipe.model.structured;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the JSON Schema subset structured output enforces into a {@link JsonType}: {@code type}
 * (one or a list of object, array, string, number, integer, boolean, null), {@code properties},
 * {@code required}, {@code additionalProperties}, {@code items}, {@code minItems}/{@code maxItems},
 * {@code minLength}/{@code maxLength}, {@code enum}, {@code const}, and {@code $ref} to
 * {@code #/$defs/…} or {@code #/definitions/…} (not recursive); annotations (title, description,
 * default, examples, $schema, $id, $comment) are ignored. Any other keyword is refused, naming it and
 * where it is.
 */
public final class JsonSchemaCompiler {
    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "default", "examples", "$schema", "$id",
            "$comment", "$defs", "definitions");
    private static final Set<String> KEYWORDS = Set.of("type", "properties", "required", "additionalProperties", "items",
            "minItems", "maxItems", "minLength", "maxLength", "enum", "const", "$ref");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode document;
    private final Set<String> resolving = new HashSet<>();

    private JsonSchemaCompiler(JsonNode document) {
        this.document = document;
    }

    public static JsonType compile(JsonNode schema) {
        return new JsonSchemaCompiler(schema).type(schema, "#");
    }

    private JsonType type(JsonNode schema, String path) {
        if (schema.isBoolean()) {
            if (!schema.booleanValue()) {
                throw new UnsupportedSchemaException("the schema at " + path + " is false: no value can match it");
            }
            return new JsonType.AnyValue();
        }
        if (!schema.isObject()) {
            throw new UnsupportedSchemaException("the schema at " + path + " must be an object, got " + shown(schema));
        }
        for (Map.Entry<String, JsonNode> field : schema.properties()) {
            if (!KEYWORDS.contains(field.getKey()) && !ANNOTATIONS.contains(field.getKey())) {
                throw new UnsupportedSchemaException("unsupported JSON Schema keyword '" + field.getKey() + "' at " + path);
            }
        }
        if (schema.has("$ref")) {
            return reference(schema.get("$ref").asText(), path);
        }
        if (schema.has("const")) {
            return new JsonType.OneOf(List.of(compact(schema.get("const"))));
        }
        if (schema.has("enum")) {
            JsonNode values = schema.get("enum");
            if (!values.isArray() || values.isEmpty()) {
                throw new UnsupportedSchemaException("'enum' at " + path + " must be a non-empty array");
            }
            List<String> literals = new ArrayList<>();
            values.forEach(v -> literals.add(compact(v)));
            return new JsonType.OneOf(literals);
        }
        JsonNode type = schema.get("type");
        if (type == null) {
            return schema.has("properties") ? object(schema, path) : schema.has("items") ? array(schema, path) : new JsonType.AnyValue();
        }
        if (type.isArray()) {
            Set<String> seen = new LinkedHashSet<>();
            List<JsonType> types = new ArrayList<>();
            for (JsonNode t : type) {
                if (seen.add(t.asText())) {
                    types.add(named(t.asText(), schema, path));
                }
            }
            if (types.isEmpty()) {
                throw new UnsupportedSchemaException("'type' at " + path + " is an empty list");
            }
            // a number takes an integer's digits too: try it first so that one does not shadow the other
            types.sort((a, b) -> Boolean.compare(!(a instanceof JsonType.NumberOf n && !n.integer()),
                    !(b instanceof JsonType.NumberOf n2 && !n2.integer())));
            return types.size() == 1 ? types.getFirst() : new JsonType.AnyOfTypes(types);
        }
        return named(type.asText(), schema, path);
    }

    private JsonType named(String type, JsonNode schema, String path) {
        return switch (type) {
            case "object" -> object(schema, path);
            case "array" -> array(schema, path);
            case "string" -> new JsonType.StringOf(count(schema, "minLength", 0, path), count(schema, "maxLength", Integer.MAX_VALUE, path));
            case "number" -> new JsonType.NumberOf(false);
            case "integer" -> new JsonType.NumberOf(true);
            case "boolean" -> new JsonType.BooleanOf();
            case "null" -> new JsonType.NullOf();
            default -> throw new UnsupportedSchemaException("unknown type '" + type + "' at " + path);
        };
    }

    private JsonType object(JsonNode schema, String path) {
        JsonNode properties = schema.get("properties");
        JsonNode additional = schema.get("additionalProperties");
        boolean closed = additional != null && additional.isBoolean() && !additional.booleanValue();
        if (additional != null && !additional.isBoolean()) {
            throw new UnsupportedSchemaException("'additionalProperties' at " + path + " must be true or false");
        }
        if (properties == null) {
            if (schema.has("required") && !schema.get("required").isEmpty()) {
                throw new UnsupportedSchemaException("'required' at " + path + " names properties that 'properties' does not define");
            }
            return closed ? new JsonType.ObjectOf(List.of(), Set.of()) : new JsonType.AnyObject();
        }
        List<JsonType.Property> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> p : properties.properties()) {
            out.add(new JsonType.Property(p.getKey(), type(p.getValue(), path + "/properties/" + p.getKey())));
        }
        Set<String> required = new HashSet<>();
        if (schema.has("required")) {
            for (JsonNode r : schema.get("required")) {
                if (!properties.has(r.asText())) {
                    throw new UnsupportedSchemaException("'required' at " + path + " names '" + r.asText()
                            + "', which 'properties' does not define");
                }
                required.add(r.asText());
            }
        }
        return new JsonType.ObjectOf(out, required);
    }

    private JsonType array(JsonNode schema, String path) {
        JsonType items = schema.has("items") ? type(schema.get("items"), path + "/items") : new JsonType.AnyValue();
        int min = count(schema, "minItems", 0, path);
        int max = count(schema, "maxItems", Integer.MAX_VALUE, path);
        if (min > max) {
            throw new UnsupportedSchemaException("minItems > maxItems at " + path);
        }
        return new JsonType.ArrayOf(items, min, max);
    }

    private JsonType reference(String ref, String path) {
        String name;
        JsonNode defs;
        if (ref.startsWith("#/$defs/")) {
            name = ref.substring("#/$defs/".length());
            defs = document.path("$defs");
        } else if (ref.startsWith("#/definitions/")) {
            name = ref.substring("#/definitions/".length());
            defs = document.path("definitions");
        } else {
            throw new UnsupportedSchemaException("'$ref' at " + path + " must point into #/$defs or #/definitions, got '" + ref + "'");
        }
        if (!defs.has(name)) {
            throw new UnsupportedSchemaException("'$ref' at " + path + ": no definition '" + ref + "'");
        }
        if (!resolving.add(ref)) {
            throw new UnsupportedSchemaException("'$ref' at " + path + ": recursive schemas are not supported ('" + ref + "')");
        }
        try {
            return type(defs.get(name), ref);
        } finally {
            resolving.remove(ref);
        }
    }

    private static int count(JsonNode schema, String keyword, int fallback, String path) {
        JsonNode v = schema.get(keyword);
        if (v == null) {
            return fallback;
        }
        if (!v.isIntegralNumber() || v.asLong() < 0 || v.asLong() > Integer.MAX_VALUE) {
            throw new UnsupportedSchemaException("'" + keyword + "' at " + path + " must be a non-negative integer, got " + shown(v));
        }
        return v.intValue();
    }

    private static String compact(JsonNode value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String shown(JsonNode v) {
        String s = v.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
