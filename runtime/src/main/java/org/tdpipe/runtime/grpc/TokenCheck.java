package org.tdpipe.runtime.grpc;

import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The shared secret of {@code --token}: callers send it in a header, a worker rejects calls without it. */
final class TokenCheck implements ServerInterceptor {
    static final Metadata.Key<String> HEADER = Metadata.Key.of("tdpipe-token", Metadata.ASCII_STRING_MARSHALLER);

    private final byte[] expected;

    TokenCheck(String token) {
        this.expected = token.getBytes(StandardCharsets.UTF_8);
    }

    /** Adds {@code token} to every call of a channel. */
    static ClientInterceptor sending(String token) {
        Metadata headers = new Metadata();
        headers.put(HEADER, token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String given = headers.get(HEADER);
        if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
            call.close(Status.UNAUTHENTICATED.withDescription(given == null
                    ? "this worker requires a token (header tdpipe-token); none was sent"
                    : "wrong token (header tdpipe-token)"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return next.startCall(call, headers);
    }
}
