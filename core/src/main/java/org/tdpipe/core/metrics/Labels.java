package org.tdpipe.core.metrics;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/** An ordered, immutable set of Prometheus labels, written as {@code {name="value",…}}. */
final class Labels {
    static final Labels NONE = new Labels(List.of());
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final List<String> namesAndValues;

    private Labels(List<String> namesAndValues) {
        this.namesAndValues = namesAndValues;
    }

    static Labels of(String name, String value) {
        return NONE.and(name, value);
    }

    /** These labels plus {@code name="value"} at the end. */
    Labels and(String name, String value) {
        if (!NAME.matcher(name).matches() || name.startsWith("__")) {
            throw new IllegalArgumentException("invalid Prometheus label name '" + name + "'");
        }
        for (int i = 0; i < namesAndValues.size(); i += 2) {
            if (namesAndValues.get(i).equals(name)) {
                throw new IllegalArgumentException("label '" + name + "' given twice");
            }
        }
        List<String> more = new ArrayList<>(namesAndValues);
        more.add(name);
        more.add(Objects.requireNonNull(value, () -> "value of label '" + name + "'"));
        return new Labels(List.copyOf(more));
    }

    void appendTo(Appendable out) throws IOException {
        if (namesAndValues.isEmpty()) {
            return;
        }
        out.append('{');
        for (int i = 0; i < namesAndValues.size(); i += 2) {
            if (i > 0) {
                out.append(',');
            }
            out.append(namesAndValues.get(i)).append("=\"");
            appendEscaped(namesAndValues.get(i + 1), out);
            out.append('"');
        }
        out.append('}');
    }

    /** Label values escape backslash, double quote and line feed (text format 0.0.4). */
    private static void appendEscaped(String value, Appendable out) throws IOException {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }
}
