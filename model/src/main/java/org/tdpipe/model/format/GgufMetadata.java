package org.tdpipe.model.format;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The key/value metadata of a GGUF file. Values are kept as decoded: integers as {@code Long}
 * (unsigned 64-bit values above {@code Long.MAX_VALUE} wrap), floats as {@code Double}, booleans,
 * strings, and arrays as {@code long[]}, {@code double[]}, {@code boolean[]}, {@code String[]} or
 * {@code Object[]} (arrays of arrays). Typed getters fail naming the file and the key.
 */
public final class GgufMetadata {
    private final String location;
    private final Map<String, Object> values;

    GgufMetadata(String location, Map<String, Object> values) {
        this.location = location;
        this.values = Collections.unmodifiableMap(values);
    }

    public Set<String> keys() {
        return values.keySet();
    }

    public boolean contains(String key) {
        return values.containsKey(key);
    }

    /** The raw decoded value (see the class comment for the Java types). */
    public Optional<Object> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public Optional<String> string(String key) {
        return typed(key, String.class);
    }

    public Optional<Long> integer(String key) {
        return typed(key, Long.class);
    }

    /** An integer that must fit an {@code int} (counts, dimensions, token ids). */
    public Optional<Integer> int32(String key) {
        return integer(key).map(v -> {
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new ModelFormatException(location, "metadata " + key + " = " + v + " is out of range");
            }
            return v.intValue();
        });
    }

    /** A number of either kind (GGUF writers differ in the type they use for e.g. epsilons). */
    public Optional<Double> number(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Number n) {
            return Optional.of(n.doubleValue());
        }
        throw wrongType(key, "a number", v);
    }

    public Optional<Boolean> bool(String key) {
        return typed(key, Boolean.class);
    }

    public Optional<String[]> strings(String key) {
        return typed(key, String[].class);
    }

    public Optional<long[]> integers(String key) {
        return typed(key, long[].class);
    }

    public Optional<double[]> numbers(String key) {
        return typed(key, double[].class);
    }

    public String requireString(String key) {
        return string(key).orElseThrow(() -> missing(key));
    }

    public int requireInt(String key) {
        return int32(key).orElseThrow(() -> missing(key));
    }

    public ModelFormatException missing(String key) {
        return new ModelFormatException(location, "missing metadata key " + key);
    }

    private <T> Optional<T> typed(String key, Class<T> type) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!type.isInstance(v)) {
            throw wrongType(key, type.getSimpleName(), v);
        }
        return Optional.of(type.cast(v));
    }

    private ModelFormatException wrongType(String key, String expected, Object actual) {
        return new ModelFormatException(location, "metadata " + key + " should be " + expected + " but is "
                + actual.getClass().getSimpleName());
    }
}
