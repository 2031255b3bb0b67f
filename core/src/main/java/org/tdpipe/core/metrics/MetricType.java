package org.tdpipe.core.metrics;

/** The metric types of the Prometheus text format that the engine exposes. */
enum MetricType {
    COUNTER("counter"),
    GAUGE("gauge"),
    HISTOGRAM("histogram");

    private final String text;

    MetricType(String text) {
        this.text = text;
    }

    /** The word on a {@code # TYPE} line. */
    String text() {
        return text;
    }
}
