package org.tdpipe.runtime.grpc;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import org.tdpipe.runtime.grpc.proto.BatchResult;
import org.tdpipe.runtime.grpc.proto.Empty;
import org.tdpipe.runtime.grpc.proto.HandshakeReply;
import org.tdpipe.runtime.grpc.proto.HandshakeRequest;
import org.tdpipe.runtime.grpc.proto.HeartbeatReply;
import org.tdpipe.runtime.grpc.proto.SubmitBatch;

/** The controller's connection to one stage worker (or tensor-parallel rank): handshake, the batch stream, heartbeats, results. */
final class RemoteStage implements AutoCloseable {
    /** "stage 1", or "rank 1" of a tensor-parallel group. */
    private final String role;
    private final WorkerAddress address;
    private final ManagedChannel channel;
    private final boolean tls;
    private StreamObserver<SubmitBatch> submits;
    private ClientCall<Empty, BatchResult> results;
    private volatile long lastDone = Long.MIN_VALUE;

    RemoteStage(String role, WorkerAddress address, WorkerSecurity security) {
        this.role = role;
        this.address = address;
        this.channel = StageChannels.open(address, security);
        this.tls = security.tls().isPresent();
    }

    WorkerAddress address() {
        return address;
    }

    /** How errors name this worker. */
    String name() {
        return "worker " + address + " (" + role + ")";
    }

    /** The worker checks the model and loads its layers; a refusal or no answer fails with the reason. */
    String handshake(HandshakeRequest request, Duration deadline) {
        try {
            HandshakeReply reply = ClientCalls.blockingUnaryCall(channel, StageRpc.HANDSHAKE,
                    CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS), request);
            return reply.getWorker();
        } catch (StatusRuntimeException e) {
            throw new IllegalArgumentException("handshake with " + name() + " failed: " + describe(e.getStatus())
                    + tlsHint(e.getStatus()), e);
        }
    }

    /** An unreachable worker may be one that speaks TLS to a plaintext caller, or one whose certificate is not trusted. */
    private String tlsHint(Status status) {
        if (status.getCode() != Status.Code.UNAVAILABLE) {
            return "";
        }
        for (Throwable t = status.getCause(); t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                Throwable root = t;
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                return "; TLS failed: " + root.getMessage() + " (is the worker's certificate signed by --tls-ca, and does it name "
                        + address.host() + "?)";
            }
        }
        return tls ? "" : "; if the worker serves TLS, give --tls-ca";
    }

    /** Opens the batch stream; {@code onLost} hears why it broke. */
    void openSubmits(Consumer<String> onLost) {
        submits = ClientCalls.asyncClientStreamingCall(channel.newCall(StageRpc.SUBMIT, CallOptions.DEFAULT),
                new StreamObserver<>() {
                    @Override
                    public void onNext(Empty value) {
                    }

                    @Override
                    public void onError(Throwable t) {
                        onLost.accept(name() + " failed: " + describe(Status.fromThrowable(t)));
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
    }

    /** Last stage (leader rank): opens the stream its results come back on. */
    void openResults(StreamObserver<BatchResult> observer) {
        results = channel.newCall(StageRpc.RESULTS, CallOptions.DEFAULT);
        ClientCalls.asyncServerStreamingCall(results, Empty.getDefaultInstance(), observer);
    }

    void submit(SubmitBatch batch) {
        submits.onNext(batch);
    }

    /** The last batch the worker's stage had finished at its latest heartbeat ({@code Long.MIN_VALUE}: none yet). */
    long lastDone() {
        return lastDone;
    }

    /** Pings the worker; {@code onLost} hears if no answer comes within {@code deadline}. */
    void heartbeat(Duration deadline, Consumer<String> onLost) {
        ClientCalls.asyncUnaryCall(channel.newCall(StageRpc.HEARTBEAT,
                CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)),
                Empty.getDefaultInstance(), new StreamObserver<>() {
                    @Override
                    public void onNext(HeartbeatReply reply) {
                        if (reply.hasLastDoneBatch()) {
                            lastDone = reply.getLastDoneBatch();
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        onLost.accept(name() + " missed a heartbeat: " + describe(Status.fromThrowable(t)));
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
    }

    static String describe(Status status) {
        return status.getCode() + (status.getDescription() != null ? " (" + status.getDescription() + ")" : "")
                + (status.getCause() != null && status.getDescription() == null ? " (" + status.getCause().getMessage() + ")" : "");
    }

    /** Ends the batch stream (the worker ends its session) and closes the connection. */
    @Override
    public void close() {
        if (submits != null) {
            try {
                submits.onCompleted();
            } catch (RuntimeException e) {
                // the stream already failed
            }
        }
        if (results != null) {
            results.cancel("controller closed", null);
        }
        StageChannels.close(channel);
    }
}
