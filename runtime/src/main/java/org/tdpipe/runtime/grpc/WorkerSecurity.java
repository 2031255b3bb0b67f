package org.tdpipe.runtime.grpc;

import java.util.Optional;

/**
 * How the pipeline's gRPC links are protected: a shared token that every call must carry (who may
 * drive the workers), and TLS (encryption and the workers' identity). Either, both or neither;
 * every worker and controller of one pipeline use the same.
 */
public record WorkerSecurity(Optional<String> token, Optional<WorkerTls> tls) {
    /** Plaintext, no token: loopback and trusted networks only. */
    public static final WorkerSecurity NONE = new WorkerSecurity(Optional.empty(), Optional.empty());

    public WorkerSecurity {
        token.ifPresent(t -> {
            if (t.isBlank()) {
                throw new IllegalArgumentException("--token must not be blank");
            }
        });
    }

    /** A description for logs, without the secret. */
    public String describe() {
        String auth = token.isPresent() ? "token required" : "no token";
        return tls.isPresent() ? "TLS, " + auth : "plaintext, " + auth;
    }
}
