package org.tdpipe.model.structured;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * What a JSON value must be, as {@link JsonSchemaCompiler} reads a JSON Schema (or as
 * {@code response_format: json_object} asks: any object). The output is compact JSON: no
 * whitespace between tokens, object properties in the schema's order.
 */
public sealed interface JsonType {
    /** Any JSON value, nested at most {@link #MAX_DEPTH} deep. */
    int MAX_DEPTH = 16;

    record AnyValue() implements JsonType {
    }

    /** Any object (keys any string, values any JSON value). */
    record AnyObject() implements JsonType {
    }

    /** An object with these properties, each at most once, in this order; {@code required} ones may not be left out. */
    record ObjectOf(List<Property> properties, Set<String> required) implements JsonType {
        public ObjectOf {
            properties = List.copyOf(properties);
            required = Set.copyOf(required);
        }
    }

    /** @param key how the property's key is written, quote to colon: {@code "name":} */
    record Property(String name, JsonType type, byte[] key) {
        public Property(String name, JsonType type) {
            this(name, type, (JsonLiterals.string(name) + ":").getBytes(StandardCharsets.UTF_8));
        }
    }

    record ArrayOf(JsonType items, int minItems, int maxItems) implements JsonType {
    }

    /** A string of {@code minLength} to {@code maxLength} characters. */
    record StringOf(int minLength, int maxLength) implements JsonType {
    }

    /** A number (an integer when {@code integer}), of at most {@link NumberFrame#MAX_DIGITS} digits per part. */
    record NumberOf(boolean integer) implements JsonType {
    }

    record BooleanOf() implements JsonType {
    }

    record NullOf() implements JsonType {
    }

    /** One of these JSON texts (an {@code enum} or {@code const}, each written compactly). */
    record OneOf(List<String> literals) implements JsonType {
        public OneOf {
            literals = List.copyOf(literals);
        }
    }

    /** One of several types that start differently (e.g. {@code "type": ["string", "null"]}). */
    record AnyOfTypes(List<JsonType> types) implements JsonType {
        public AnyOfTypes {
            types = List.copyOf(types);
        }
    }
}
