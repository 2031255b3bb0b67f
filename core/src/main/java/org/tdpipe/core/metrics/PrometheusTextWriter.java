package org.tdpipe.core.metrics;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes the Prometheus text exposition format, version 0.0.4: every metric family is introduced
 * by its {@code # HELP} and {@code # TYPE} lines and followed by its samples; counters end in
 * {@code _total}; a histogram is its cumulative {@code _bucket{le=…}} samples up to {@code +Inf},
 * then {@code _sum} and {@code _count}.
 */
final class PrometheusTextWriter {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private final Appendable out;
    private final Set<String> families = new HashSet<>();
    private String family;
    private MetricType type;

    PrometheusTextWriter(Appendable out) {
        this.out = out;
    }

    /** Starts a metric family; its samples follow. */
    void family(String name, MetricType type, String help) throws IOException {
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid Prometheus metric name '" + name + "'");
        }
        if (type == MetricType.COUNTER && !name.endsWith("_total")) {
            throw new IllegalArgumentException("counter '" + name + "' must end in _total");
        }
        if (!families.add(name)) {
            throw new IllegalArgumentException("metric family '" + name + "' written twice");
        }
        family = name;
        this.type = type;
        out.append("# HELP ").append(name).append(' ');
        appendEscapedHelp(help);
        out.append("\n# TYPE ").append(name).append(' ').append(type.text()).append('\n');
    }

    /** A sample of the current counter or gauge family. */
    void sample(Labels labels, double value) throws IOException {
        if (type == null || type == MetricType.HISTOGRAM) {
            throw new IllegalStateException("a plain sample needs a counter or gauge family first, not " + family);
        }
        line(family, labels, format(value));
    }

    /** The samples of one histogram series of the current histogram family. */
    void histogram(Labels labels, HistogramSnapshot h) throws IOException {
        if (type != MetricType.HISTOGRAM) {
            throw new IllegalStateException("histogram samples need a histogram family first, not " + family);
        }
        double[] bounds = h.upperBounds();
        long[] cumulative = h.cumulativeCounts();
        for (int i = 0; i < bounds.length; i++) {
            line(family + "_bucket", labels.and("le", format(bounds[i])), Long.toString(cumulative[i]));
        }
        line(family + "_bucket", labels.and("le", "+Inf"), Long.toString(h.count()));
        line(family + "_sum", labels, format(h.sum()));
        line(family + "_count", labels, Long.toString(h.count()));
    }

    /** Go's float syntax as Prometheus parses it: {@code NaN}, {@code +Inf}, {@code -Inf} or a decimal. */
    static String format(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        return Double.toString(value);
    }

    private void line(String name, Labels labels, String value) throws IOException {
        out.append(name);
        labels.appendTo(out);
        out.append(' ').append(value).append('\n');
    }

    /** HELP text escapes backslash and line feed. */
    private void appendEscapedHelp(String help) throws IOException {
        for (int i = 0; i < help.length(); i++) {
            char c = help.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }
}
