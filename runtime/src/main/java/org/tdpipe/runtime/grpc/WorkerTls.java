package org.tdpipe.runtime.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import org.tdpipe.runtime.PemFiles;

/**
 * TLS on the pipeline's gRPC links, from PEM files: callers (the controller, and each worker towards
 * the next stage) verify workers against {@code trustedCerts}; a worker proves its identity with its
 * certificate chain and private key, whose subject alternative names must include the host the
 * others reach it by. Callers are authenticated by the shared token, not by certificates.
 *
 * @param trustedCerts the CA certificate(s) that signed the workers' certificates (or a worker's self-signed one)
 * @param certChain a worker's certificate chain (workers only)
 * @param privateKey a worker's PKCS#8 private key (workers only)
 */
public record WorkerTls(Path trustedCerts, Optional<Path> certChain, Optional<Path> privateKey) {
    public WorkerTls {
        if (certChain.isPresent() != privateKey.isPresent()) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together: a worker needs both its certificate and its key");
        }
        // checked at start-up: gRPC would only find out when it first connects
        PemFiles.certificates(trustedCerts, "--tls-ca");
        certChain.ifPresent(p -> PemFiles.certificates(p, "--tls-cert"));
        privateKey.ifPresent(p -> PemFiles.requireReadable(p, "--tls-key"));
    }

    /** What callers need: the certificates to trust. */
    public static WorkerTls caller(Path trustedCerts) {
        return new WorkerTls(trustedCerts, Optional.empty(), Optional.empty());
    }

    /** What a worker needs: its own identity, and the certificates to trust when it calls the next stage. */
    public static WorkerTls worker(Path trustedCerts, Path certChain, Path privateKey) {
        return new WorkerTls(trustedCerts, Optional.of(certChain), Optional.of(privateKey));
    }

    /** A TLS channel to {@code address}, verified against the trusted certificates. */
    NettyChannelBuilder channelBuilder(WorkerAddress address) {
        ChannelCredentials credentials;
        try {
            credentials = TlsChannelCredentials.newBuilder().trustManager(trustedCerts.toFile()).build();
        } catch (IOException e) {
            throw new UncheckedIOException("--tls-ca " + trustedCerts + ": cannot read it: " + e.getMessage(), e);
        }
        return NettyChannelBuilder.forAddress(address.host(), address.port(), credentials);
    }

    /** A TLS server on {@code bind} with this worker's certificate and key. */
    NettyServerBuilder serverBuilder(InetSocketAddress bind) {
        Path cert = certChain.orElseThrow(() -> new IllegalArgumentException("a TLS worker needs --tls-cert and --tls-key"));
        Path key = privateKey.orElseThrow();
        try {
            ServerCredentials credentials = TlsServerCredentials.newBuilder().keyManager(cert.toFile(), key.toFile()).build();
            return NettyServerBuilder.forAddress(bind, credentials); // parses the key
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("--tls-cert " + cert + " / --tls-key " + key
                    + ": not a PEM certificate chain and its PKCS#8 private key: " + e.getMessage(), e);
        }
    }
}
