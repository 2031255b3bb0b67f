package org.tdpipe.cli;

import java.util.List;
import java.util.OptionalDouble;

/**
 * What the load generator measured for one streamed request (times in nanoseconds from sending it).
 *
 * @param error why it failed, or null when it succeeded
 * @param promptTokens the server's count (usage), else the dataset's estimate
 * @param outputTokens the server's count (usage), else the number of content chunks
 * @param ttftNanos send to the first content chunk (0 when none came)
 * @param itlNanos gaps between consecutive content chunks
 * @param e2eNanos send to the end of the stream (or to the failure)
 * @param text the generated text
 * @param startNanos when it was sent, from the start of the run
 */
record RequestOutcome(String error, int promptTokens, int outputTokens, long ttftNanos, List<Long> itlNanos, long e2eNanos,
        String text, long startNanos) {
    RequestOutcome {
        itlNanos = List.copyOf(itlNanos);
    }

    static RequestOutcome failed(String error, int promptTokens, long e2eNanos) {
        return new RequestOutcome(error, promptTokens, 0, 0, List.of(), e2eNanos, "", 0);
    }

    /** The same outcome, sent {@code nanos} after the start of the run. */
    RequestOutcome sentAt(long nanos) {
        return new RequestOutcome(error, promptTokens, outputTokens, ttftNanos, itlNanos, e2eNanos, text, nanos);
    }

    boolean succeeded() {
        return error == null;
    }

    /** Time per output token after the first, as vLLM defines it; empty for one token or none. */
    OptionalDouble tpotNanos() {
        return outputTokens > 1 ? OptionalDouble.of((double) (e2eNanos - ttftNanos) / (outputTokens - 1))
                : OptionalDouble.empty();
    }
}
