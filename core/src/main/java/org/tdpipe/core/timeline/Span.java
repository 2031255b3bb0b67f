package org.tdpipe.core.timeline;

import org.tdpipe.core.exec.Phase;

/** One batch executing on one stage: {@code [startNanos, endNanos)} of engine time. */
public record Span(int stage, long batchId, Phase phase, int numSeqs, int numTokens, long startNanos, long endNanos) {
    public Span {
        if (endNanos < startNanos) {
            throw new IllegalArgumentException("span ends before it starts: " + startNanos + " > " + endNanos);
        }
    }

    public long durationNanos() {
        return endNanos - startNanos;
    }
}
