package org.tdpipe.model.structured;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/** Whether a parsed JSON value is one a {@link JsonType} describes (the tests' validator). */
final class SchemaCheck {
    private SchemaCheck() {
    }

    /** Null when {@code value} fits {@code type}, else why not. */
    static String problem(JsonType type, JsonNode value) {
        return switch (type) {
            case JsonType.AnyValue any -> null;
            case JsonType.AnyObject any -> value.isObject() ? null : "not an object: " + value;
            case JsonType.ObjectOf o -> {
                if (!value.isObject()) {
                    yield "not an object: " + value;
                }
                Set<String> seen = new HashSet<>();
                for (Iterator<String> names = value.fieldNames(); names.hasNext();) {
                    String name = names.next();
                    seen.add(name);
                    JsonType.Property p = o.properties().stream().filter(q -> q.name().equals(name)).findFirst().orElse(null);
                    if (p == null) {
                        yield "unexpected property " + name;
                    }
                    String inner = problem(p.type(), value.get(name));
                    if (inner != null) {
                        yield name + ": " + inner;
                    }
                }
                for (String r : o.required()) {
                    if (!seen.contains(r)) {
                        yield "missing required " + r;
                    }
                }
                yield null;
            }
            case JsonType.ArrayOf a -> {
                if (!value.isArray() || value.size() < a.minItems() || value.size() > a.maxItems()) {
                    yield "not an array of " + a.minItems() + ".." + a.maxItems() + " items: " + value;
                }
                for (JsonNode item : value) {
                    String inner = problem(a.items(), item);
                    if (inner != null) {
                        yield "item: " + inner;
                    }
                }
                yield null;
            }
            case JsonType.StringOf s -> {
                int length = value.isTextual() ? value.asText().codePointCount(0, value.asText().length()) : -1;
                yield value.isTextual() && length >= s.minLength() && length <= s.maxLength() ? null
                        : "not a string of " + s.minLength() + ".." + s.maxLength() + " characters: " + value;
            }
            case JsonType.NumberOf n -> value.isNumber() && (!n.integer() || value.isIntegralNumber()) ? null : "not a number: " + value;
            case JsonType.BooleanOf b -> value.isBoolean() ? null : "not a boolean: " + value;
            case JsonType.NullOf none -> value.isNull() ? null : "not null: " + value;
            case JsonType.OneOf one -> one.literals().contains(value.toString()) ? null : "not one of " + one.literals() + ": " + value;
            case JsonType.AnyOfTypes anyOf -> anyOf.types().stream().anyMatch(t -> problem(t, value) == null) ? null
                    : "none of " + anyOf.types() + ": " + value;
        };
    }
}
