package org.tdpipe.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.tdpipe.runtime.grpc.WorkerSecurity;
import org.tdpipe.runtime.grpc.WorkerTls;
import picocli.CommandLine.Option;

/**
 * How a pipeline's gRPC links are protected (a picocli mixin of {@code worker} and of the
 * controllers' {@code --executor grpc}): the shared {@code --token}, and TLS from PEM files.
 */
final class WorkerSecurityOptions {
    @Option(names = "--token", description = "Shared secret: workers reject calls without it; controllers send it.")
    String token;

    @Option(names = "--tls-ca", paramLabel = "PEM",
            description = "TLS: the CA certificate(s) that signed the workers' certificates (or a worker's self-signed one); callers verify workers with it.")
    Path tlsCa;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "TLS, workers only: this worker's certificate chain (its names must include the host others reach it by).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "TLS, workers only: this worker's PKCS#8 private key.")
    Path tlsKey;

    /** What a controller uses: the token, and TLS when {@code --tls-ca} is given. */
    WorkerSecurity forCaller() {
        if (tlsCert != null || tlsKey != null) {
            throw new IllegalArgumentException("--tls-cert and --tls-key are for 'tdpipe worker'; a controller needs only --tls-ca");
        }
        return new WorkerSecurity(Optional.ofNullable(token), Optional.ofNullable(tlsCa).map(WorkerTls::caller));
    }

    /** What a worker uses: the token, and TLS when any TLS flag is given (then all three are needed). */
    WorkerSecurity forWorker() {
        if (tlsCa == null && tlsCert == null && tlsKey == null) {
            return new WorkerSecurity(Optional.ofNullable(token), Optional.empty());
        }
        if (tlsCa == null || tlsCert == null || tlsKey == null) {
            throw new IllegalArgumentException("a TLS worker needs --tls-cert and --tls-key (its identity) and --tls-ca "
                    + "(to verify the next stage's worker)");
        }
        return new WorkerSecurity(Optional.ofNullable(token), Optional.of(WorkerTls.worker(tlsCa, tlsCert, tlsKey)));
    }
}
