package org.tdpipe.runtime.grpc;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.tdpipe.runtime.StageFactory;
import org.tdpipe.runtime.grpc.proto.BatchResult;
import org.tdpipe.runtime.grpc.proto.Empty;
import org.tdpipe.runtime.grpc.proto.HandshakeReply;
import org.tdpipe.runtime.grpc.proto.HandshakeRequest;
import org.tdpipe.runtime.grpc.proto.HeartbeatReply;
import org.tdpipe.runtime.grpc.proto.ReducePart;
import org.tdpipe.runtime.grpc.proto.StageActivations;
import org.tdpipe.runtime.grpc.proto.SubmitBatch;

/**
 * A stage worker process's gRPC server ({@code tdpipe worker}): bound only to the address given,
 * it waits for a controller's handshake, then runs that controller's session until its batch
 * stream ends; a new handshake replaces the session. With a token, calls without it are rejected;
 * with TLS, it serves only TLS and reaches the next stage's worker over TLS.
 */
public final class StageWorkerServer implements AutoCloseable {
    private final WorkerAddress address;
    private final WorkerSecurity security;
    private final Server server;
    private final StageFactory stages;
    private final Consumer<String> log;
    private WorkerSession session;

    private StageWorkerServer(WorkerAddress listen, WorkerSecurity security, StageFactory stages, Consumer<String> log) {
        this.security = security;
        this.stages = stages;
        this.log = log;
        ServerServiceDefinition service = ServerServiceDefinition.builder(StageRpc.SERVICE)
                .addMethod(StageRpc.HANDSHAKE, ServerCalls.asyncUnaryCall(this::handshake))
                .addMethod(StageRpc.SUBMIT, ServerCalls.asyncClientStreamingCall(this::submit))
                .addMethod(StageRpc.ACTIVATIONS, ServerCalls.asyncClientStreamingCall(this::activations))
                .addMethod(StageRpc.RESULTS, ServerCalls.asyncServerStreamingCall(this::results))
                .addMethod(StageRpc.HEARTBEAT, ServerCalls.asyncUnaryCall(this::heartbeat))
                .addMethod(StageRpc.ALL_REDUCE, ServerCalls.asyncClientStreamingCall(this::allReduce))
                .build();
        InetSocketAddress bind = new InetSocketAddress(listen.host(), listen.port());
        NettyServerBuilder builder = security.tls()
                .map(tls -> tls.serverBuilder(bind))
                .orElseGet(() -> NettyServerBuilder.forAddress(bind))
                .maxInboundMessageSize(StageChannels.MAX_MESSAGE_BYTES);
        builder.addService(security.token().isPresent()
                ? ServerInterceptors.intercept(service, new TokenCheck(security.token().get())) : service);
        this.server = builder.build();
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("worker cannot listen on " + listen + ": " + e.getMessage(), e);
        }
        this.address = new WorkerAddress(listen.host(), server.getPort());
    }

    /**
     * Starts listening on {@code listen} (port 0: any free port).
     *
     * @param security the token required of every caller, and TLS (both optional)
     * @param stages loads the layers a handshake assigns ({@link org.tdpipe.runtime.LlamaStageComputation#loadRank})
     * @param log hears of each session begun, refused or ended
     */
    public static StageWorkerServer start(WorkerAddress listen, WorkerSecurity security, StageFactory stages,
            Consumer<String> log) {
        return new StageWorkerServer(listen, security, stages, log);
    }

    /** The address actually bound. */
    public WorkerAddress address() {
        return address;
    }

    /** Waits until the server is shut down. */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    private synchronized void handshake(HandshakeRequest request, StreamObserver<HandshakeReply> reply) {
        if (session != null) {
            session.close();
            session = null;
        }
        try {
            session = WorkerSession.open(request, address, security, stages);
        } catch (IllegalArgumentException e) {
            log.accept("refused: " + e.getMessage());
            reply.onError(Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (RuntimeException e) {
            log.accept("handshake failed: " + e);
            reply.onError(Status.INTERNAL.withDescription("worker " + address + ": " + e).asRuntimeException());
            return;
        }
        log.accept("session: " + session.describe());
        reply.onNext(HandshakeReply.newBuilder().setWorker(session.describe()).build());
        reply.onCompleted();
    }

    private synchronized Optional<WorkerSession> current() {
        return Optional.ofNullable(session);
    }

    /** Ends {@code ended} and forgets it unless a newer handshake already replaced it. */
    private synchronized void end(WorkerSession ended) {
        if (!ended.isClosed()) {
            log.accept("session ended: " + ended.describe());
        }
        ended.close();
        if (session == ended) {
            session = null;
        }
    }

    private StreamObserver<SubmitBatch> submit(StreamObserver<Empty> response) {
        Optional<WorkerSession> bound = current();
        if (bound.isEmpty()) {
            response.onError(noSession());
            return new DiscardingObserver<>();
        }
        WorkerSession s = bound.get();
        s.attachController(response);
        return new StreamObserver<>() {
            @Override
            public void onNext(SubmitBatch batch) {
                try {
                    s.submit(batch);
                } catch (RuntimeException e) {
                    response.onError(Status.INVALID_ARGUMENT.withDescription("worker " + address + ": batch "
                            + batch.getBatchId() + ": " + e.getMessage()).asRuntimeException());
                    end(s);
                }
            }

            @Override
            public void onError(Throwable t) {
                end(s);
            }

            @Override
            public void onCompleted() {
                end(s);
                response.onNext(Empty.getDefaultInstance());
                response.onCompleted();
            }
        };
    }

    private StreamObserver<StageActivations> activations(StreamObserver<Empty> response) {
        return intoSession(response, s -> new IntoSession<>(response) {
            @Override
            void accept(StageActivations message) throws InterruptedException {
                s.deliver(message);
            }

            @Override
            public void onError(Throwable t) {
                // the previous stage went away; the controller notices on its own connection to it
            }
        });
    }

    /** Another tensor-parallel rank's partials, for the session current when its stream opened. */
    private StreamObserver<ReducePart> allReduce(StreamObserver<Empty> response) {
        return intoSession(response, s -> new IntoSession<>(response) {
            private int sender = -1;

            @Override
            void accept(ReducePart part) {
                sender = part.getSender();
                s.deliver(part);
            }

            @Override
            public void onError(Throwable t) {
                if (sender >= 0) {
                    s.reduceSenderGone(sender, "broke its all-reduce stream: " + RemoteStage.describe(Status.fromThrowable(t)));
                }
            }
        });
    }

    /** A stream into the session current when it opened; without one the call fails at once. */
    private <T> StreamObserver<T> intoSession(StreamObserver<Empty> response, Function<WorkerSession, StreamObserver<T>> observer) {
        Optional<WorkerSession> bound = current();
        if (bound.isEmpty()) {
            response.onError(noSession());
            return new DiscardingObserver<>();
        }
        return observer.apply(bound.get());
    }

    /** A client stream of messages for a session: one it refuses fails the stream naming this worker; its end is acknowledged. */
    private abstract class IntoSession<T> implements StreamObserver<T> {
        private final StreamObserver<Empty> response;

        IntoSession(StreamObserver<Empty> response) {
            this.response = response;
        }

        abstract void accept(T message) throws InterruptedException;

        @Override
        public final void onNext(T message) {
            try {
                accept(message);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                response.onError(Status.INVALID_ARGUMENT.withDescription("worker " + address + ": " + e.getMessage())
                        .asRuntimeException());
            }
        }

        @Override
        public final void onCompleted() {
            response.onNext(Empty.getDefaultInstance());
            response.onCompleted();
        }
    }

    private void results(Empty request, StreamObserver<BatchResult> observer) {
        current().ifPresentOrElse(s -> s.attachResults(observer), () -> observer.onError(noSession()));
    }

    private void heartbeat(Empty request, StreamObserver<HeartbeatReply> reply) {
        HeartbeatReply.Builder b = HeartbeatReply.newBuilder();
        current().map(WorkerSession::lastDone).filter(id -> id != Long.MIN_VALUE).ifPresent(b::setLastDoneBatch);
        reply.onNext(b.build());
        reply.onCompleted();
    }

    private RuntimeException noSession() {
        return Status.FAILED_PRECONDITION.withDescription("worker " + address + " has no session: handshake first")
                .asRuntimeException();
    }

    /** Stops serving and ends the current session. */
    @Override
    public void close() {
        server.shutdownNow();
        current().ifPresent(this::end);
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
