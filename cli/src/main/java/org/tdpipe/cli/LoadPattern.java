package org.tdpipe.cli;

import java.util.OptionalInt;

/**
 * How {@code bench-serve} sends its requests, as {@code vllm bench serve}: arrivals at
 * {@code requestRate} per second (infinite: all at once) with gamma-distributed gaps of shape
 * {@code burstiness} (1: a Poisson process; below 1 burstier, above 1 more regular), at most
 * {@code maxConcurrency} in flight (empty: no limit).
 */
record LoadPattern(OptionalInt maxConcurrency, double requestRate, double burstiness) {
    LoadPattern {
        maxConcurrency.ifPresent(c -> {
            if (c < 1) {
                throw new IllegalArgumentException("--max-concurrency must be >= 1, got " + c);
            }
        });
        if (!(requestRate > 0)) {
            throw new IllegalArgumentException("--request-rate must be > 0 (or inf), got " + requestRate);
        }
        if (!(burstiness > 0) || Double.isInfinite(burstiness)) {
            throw new IllegalArgumentException("--burstiness must be a positive number, got " + burstiness);
        }
    }

    /** Every request at once, at most {@code concurrency} in flight. */
    static LoadPattern closedLoop(int concurrency) {
        return new LoadPattern(OptionalInt.of(concurrency), Double.POSITIVE_INFINITY, 1);
    }
}
