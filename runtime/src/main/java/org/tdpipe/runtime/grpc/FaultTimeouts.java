package org.tdpipe.runtime.grpc;

import java.time.Duration;
import org.tdpipe.runtime.BatchDeadline;

/**
 * How the controller notices a dead, hung, unreachable or stuck worker: every
 * {@code heartbeatInterval} it pings each worker, and a ping unanswered within
 * {@code heartbeatDeadline} fails the pipeline; a handshake (the worker loads its layers) may take
 * {@code handshakeDeadline}; a batch owed longer than {@code batchDeadline} allows fails it too (a
 * stage thread stuck while its process still answers pings).
 */
public record FaultTimeouts(Duration handshakeDeadline, Duration heartbeatInterval, Duration heartbeatDeadline,
        BatchDeadline batchDeadline) {
    public static final FaultTimeouts DEFAULT =
            new FaultTimeouts(Duration.ofMinutes(5), Duration.ofMillis(500), Duration.ofSeconds(3), BatchDeadline.AUTO);

    public FaultTimeouts {
        if (handshakeDeadline.isNegative() || handshakeDeadline.isZero() || heartbeatInterval.isNegative()
                || heartbeatInterval.isZero() || heartbeatDeadline.isNegative() || heartbeatDeadline.isZero()) {
            throw new IllegalArgumentException("fault timeouts must be positive, got " + this);
        }
    }

    public FaultTimeouts withBatchDeadline(BatchDeadline deadline) {
        return new FaultTimeouts(handshakeDeadline, heartbeatInterval, heartbeatDeadline, deadline);
    }
}
