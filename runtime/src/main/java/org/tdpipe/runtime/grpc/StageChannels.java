package org.tdpipe.runtime.grpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;

/** Channels to stage workers: TLS or plaintext, carrying the token when there is one. */
final class StageChannels {
    /** Activations can be large: a batch of 2048 tokens of a 4096-wide model is 32 MiB. */
    static final int MAX_MESSAGE_BYTES = 256 << 20;

    private StageChannels() {
    }

    static ManagedChannel open(WorkerAddress address, WorkerSecurity security) {
        NettyChannelBuilder b = security.tls()
                .map(tls -> tls.channelBuilder(address))
                .orElseGet(() -> NettyChannelBuilder.forAddress(address.host(), address.port()).usePlaintext())
                .maxInboundMessageSize(MAX_MESSAGE_BYTES);
        security.token().ifPresent(t -> b.intercept(TokenCheck.sending(t)));
        return b.build();
    }

    static void close(ManagedChannel channel) {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
