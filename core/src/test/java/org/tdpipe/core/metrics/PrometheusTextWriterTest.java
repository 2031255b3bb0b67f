package org.tdpipe.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class PrometheusTextWriterTest {
    @Test
    void writesFamiliesSamplesAndHistogramsInTextFormat004() throws IOException {
        StringBuilder out = new StringBuilder();
        PrometheusTextWriter w = new PrometheusTextWriter(out);
        w.family("x:requests_total", MetricType.COUNTER, "Requests \\ with a\nsecond line.");
        w.sample(Labels.of("kind", "a\"b"), 3);
        Histogram h = new Histogram(new double[] {0.5, 1});
        h.observe(0.5);
        h.observe(0.7);
        h.observe(4);
        w.family("x:latency_seconds", MetricType.HISTOGRAM, "Latency.");
        w.histogram(Labels.NONE, h.snapshot());
        assertEquals("""
                # HELP x:requests_total Requests \\\\ with a\\nsecond line.
                # TYPE x:requests_total counter
                x:requests_total{kind="a\\"b"} 3.0
                # HELP x:latency_seconds Latency.
                # TYPE x:latency_seconds histogram
                x:latency_seconds_bucket{le="0.5"} 1
                x:latency_seconds_bucket{le="1.0"} 2
                x:latency_seconds_bucket{le="+Inf"} 3
                x:latency_seconds_sum 5.2
                x:latency_seconds_count 3
                """, out.toString());
        Exposition.parse(out.toString());
    }

    @Test
    void specialValuesUseGoSyntax() {
        assertEquals("NaN", PrometheusTextWriter.format(Double.NaN));
        assertEquals("+Inf", PrometheusTextWriter.format(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", PrometheusTextWriter.format(Double.NEGATIVE_INFINITY));
        assertEquals("0.001", PrometheusTextWriter.format(0.001));
        assertEquals("2560.0", PrometheusTextWriter.format(2560));
    }

    @Test
    void malformedMetricsAreRejectedWithTheirName() {
        PrometheusTextWriter w = new PrometheusTextWriter(new StringBuilder());
        assertEquals("counter 'x:requests' must end in _total",
                assertThrows(IllegalArgumentException.class, () -> w.family("x:requests", MetricType.COUNTER, "h")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> w.family("1x", MetricType.GAUGE, "h"));
        assertThrows(IllegalStateException.class, () -> w.sample(Labels.NONE, 1));
        assertThrows(IllegalArgumentException.class, () -> Labels.of("le-bad", "v"));
        assertThrows(IllegalArgumentException.class, () -> Labels.of("__reserved", "v"));
        assertThrows(IllegalArgumentException.class, () -> Labels.of("a", "1").and("a", "2"));
    }

    @Test
    void aFamilyIsWrittenOnce() throws IOException {
        PrometheusTextWriter w = new PrometheusTextWriter(new StringBuilder());
        w.family("x:g", MetricType.GAUGE, "h");
        assertThrows(IllegalArgumentException.class, () -> w.family("x:g", MetricType.GAUGE, "h"));
        assertThrows(IllegalStateException.class, () -> w.histogram(Labels.NONE, new Histogram(new double[] {1}).snapshot()));
    }

    @Test
    void histogramBucketsAreInclusiveAndBoundsValidated() {
        Histogram h = new Histogram(new double[] {1, 2, 5});
        for (double v : new double[] {-1, 1, 1.5, 2, 5, 5.01, 1e9}) {
            h.observe(v);
        }
        HistogramSnapshot s = h.snapshot();
        assertArrayEquals(new long[] {2, 4, 5, 7}, s.cumulativeCounts());
        assertEquals(7, s.count());
        assertThrows(IllegalArgumentException.class, () -> h.observe(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new Histogram(new double[] {2, 1}));
        assertThrows(IllegalArgumentException.class, () -> new Histogram(new double[] {1, Double.POSITIVE_INFINITY}));
        assertThrows(IllegalArgumentException.class, () -> new Histogram(new double[0]));
    }

    @Test
    void tokenBucketsAreVllms125Series() {
        assertArrayEquals(new double[] {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000}, VllmBuckets.oneTwoFive(2048));
        assertArrayEquals(new double[] {1}, VllmBuckets.oneTwoFive(1));
        assertThrows(IllegalArgumentException.class, () -> VllmBuckets.oneTwoFive(0));
    }
}
