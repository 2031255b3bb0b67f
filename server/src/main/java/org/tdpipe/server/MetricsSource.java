package org.tdpipe.server;

import java.io.IOException;

/** What {@code GET /metrics} serves: Prometheus text exposition written by the metrics registry. */
@FunctionalInterface
public interface MetricsSource {
    /** Serves an empty exposition (no metrics registered). */
    MetricsSource NONE = out -> { };

    void writeTo(Appendable out) throws IOException;
}
