package org.tdpipe.runtime.grpc;

import java.time.Duration;

/**
 * How the controller notices a dead, hung or unreachable worker: every {@code heartbeatInterval}
 * it pings each worker, and a ping unanswered within {@code heartbeatDeadline} fails the pipeline;
 * a handshake (the worker loads its layers) may take {@code handshakeDeadline}.
 */
public record FaultTimeouts(Duration handshakeDeadline, Duration heartbeatInterval, Duration heartbeatDeadline) {
    public static final FaultTimeouts DEFAULT =
            new FaultTimeouts(Duration.ofMinutes(5), Duration.ofMillis(500), Duration.ofSeconds(3));

    public FaultTimeouts {
        if (handshakeDeadline.isNegative() || handshakeDeadline.isZero() || heartbeatInterval.isNegative()
                || heartbeatInterval.isZero() || heartbeatDeadline.isNegative() || heartbeatDeadline.isZero()) {
            throw new IllegalArgumentException("fault timeouts must be positive, got " + this);
        }
    }
}
