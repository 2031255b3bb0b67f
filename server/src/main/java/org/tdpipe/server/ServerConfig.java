package org.tdpipe.server;

import java.time.Duration;
import java.util.Optional;

/**
 * How the HTTP server listens and admits requests.
 *
 * @param port 0 picks a free port
 * @param apiKey when present, every request needs {@code Authorization: Bearer <key>}
 * @param maxWaiting most engine requests waiting to run (not yet started, or preempted); beyond, 429
 * @param shutdownTimeout how long in-flight requests may run on after SIGTERM before they are aborted
 * @param tls when present, the server speaks HTTPS only
 * @param maxRequestBodyBytes larger request bodies get a 413
 */
public record ServerConfig(String host, int port, Optional<String> apiKey, int maxWaiting, Duration shutdownTimeout,
        Optional<ServerTls> tls, long maxRequestBodyBytes) {
    /** The body limit unless configured: 32 MiB, room for a long context's prompt as a token array. */
    public static final long DEFAULT_MAX_REQUEST_BODY_BYTES = 32L << 20;

    public ServerConfig {
        if (maxRequestBodyBytes < 1) {
            throw new IllegalArgumentException("--max-request-body-mib must be positive, got " + maxRequestBodyBytes + " bytes");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be in [0, 65535], got " + port);
        }
        if (maxWaiting < 1) {
            throw new IllegalArgumentException("--max-waiting must be >= 1, got " + maxWaiting);
        }
        if (shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("the shutdown timeout must not be negative, got " + shutdownTimeout);
        }
    }
}
