package org.tdpipe.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Typed access to the fields of a JSON request body: a field of the wrong type is a 400 naming it.
 * A JSON {@code null} counts as absent, as the OpenAI API treats it.
 */
final class JsonFields {
    private final JsonNode body;

    JsonFields(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid(null, "the request body must be a JSON object");
        }
        this.body = body;
    }

    boolean has(String field) {
        JsonNode v = body.get(field);
        return v != null && !v.isNull();
    }

    JsonNode get(String field) {
        return body.get(field);
    }

    Iterable<String> names() {
        return body::fieldNames;
    }

    JsonNode required(String field) {
        if (!has(field)) {
            throw ApiException.invalid(field, "field '" + field + "' is required");
        }
        return body.get(field);
    }

    Optional<String> string(String field) {
        if (!has(field)) {
            return Optional.empty();
        }
        JsonNode v = body.get(field);
        if (!v.isTextual()) {
            throw wrongType(field, "a string", v);
        }
        return Optional.of(v.asText());
    }

    Optional<Boolean> bool(String field) {
        if (!has(field)) {
            return Optional.empty();
        }
        JsonNode v = body.get(field);
        if (!v.isBoolean()) {
            throw wrongType(field, "true or false", v);
        }
        return Optional.of(v.booleanValue());
    }

    Optional<Integer> integer(String field) {
        return longValue(field).map(l -> {
            if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
                throw ApiException.invalid(field, "field '" + field + "' is out of range: " + l);
            }
            return (int) (long) l;
        });
    }

    Optional<Long> longValue(String field) {
        if (!has(field)) {
            return Optional.empty();
        }
        JsonNode v = body.get(field);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw wrongType(field, "an integer", v);
        }
        return Optional.of(v.longValue());
    }

    Optional<Double> number(String field) {
        if (!has(field)) {
            return Optional.empty();
        }
        JsonNode v = body.get(field);
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw wrongType(field, "a number", v);
        }
        return Optional.of(v.doubleValue());
    }

    /** A string or an array of strings (OpenAI's {@code stop}). */
    List<String> stringOrList(String field) {
        if (!has(field)) {
            return List.of();
        }
        JsonNode v = body.get(field);
        if (v.isTextual()) {
            return List.of(v.asText());
        }
        if (!v.isArray()) {
            throw wrongType(field, "a string or an array of strings", v);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw wrongType(field, "a string or an array of strings", v);
            }
            out.add(e.asText());
        }
        return out;
    }

    /** An array of integers, or empty when absent. */
    List<Integer> intList(String field) {
        if (!has(field)) {
            return List.of();
        }
        JsonNode v = body.get(field);
        if (!v.isArray()) {
            throw wrongType(field, "an array of integers", v);
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isIntegralNumber() || !e.canConvertToInt()) {
                throw wrongType(field, "an array of integers", v);
            }
            out.add(e.intValue());
        }
        return out;
    }

    static ApiException wrongType(String field, String expected, JsonNode got) {
        String shown = got.toString();
        if (shown.length() > 60) {
            shown = shown.substring(0, 57) + "...";
        }
        return ApiException.invalid(field, "field '" + field + "' must be " + expected + ", got " + shown);
    }
}
