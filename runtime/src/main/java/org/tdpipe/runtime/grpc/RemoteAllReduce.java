package org.tdpipe.runtime.grpc;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.tdpipe.model.llama.AllReduce;
import org.tdpipe.model.tensor.Vectors;
import org.tdpipe.runtime.grpc.proto.Empty;
import org.tdpipe.runtime.grpc.proto.ReducePart;

/**
 * The all-reduce of a tensor-parallel rank in a worker process: each sum sends this rank's partial
 * to every other rank over a gRPC stream of its own ({@code AllReduce}, opened at the first sum)
 * and waits for theirs, which arrive in the order their ranks sum (every rank runs the same
 * batches through the same layers); then it adds all of them in rank order, so every rank gets the
 * same bits. Each rank sends {@code size − 1} partials a sum (an all-gather: fine for the few
 * ranks of a node, not a bandwidth-optimal ring). A peer whose stream breaks fails the sums
 * waiting for it, and the session through {@code onFailure}.
 */
final class RemoteAllReduce implements AllReduce, AutoCloseable {
    private final int rank;
    private final List<WorkerAddress> peers;
    private final WorkerSecurity security;
    private final Consumer<String> onFailure;
    /** What each rank sent, in order; a {@link Broken} when its stream ended. */
    private final List<BlockingQueue<Object>> received = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<StreamObserver<ReducePart>> outgoing = new ArrayList<>();
    private volatile boolean closed;

    private record Broken(String reason) {
    }

    /** Rank {@code rank} of {@code peers.size()} ({@code peers} by rank, this one's own address included). */
    RemoteAllReduce(int rank, List<WorkerAddress> peers, WorkerSecurity security, Consumer<String> onFailure) {
        this.rank = rank;
        this.peers = List.copyOf(peers);
        this.security = security;
        this.onFailure = onFailure;
        for (int r = 0; r < peers.size(); r++) {
            received.add(new LinkedBlockingQueue<>());
        }
    }

    @Override
    public void sum(float[] partial, int length) {
        ByteBuffer bytes = ByteBuffer.allocate(length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(partial, 0, length);
        ReducePart part = ReducePart.newBuilder().setSender(rank).setData(ByteString.copyFrom(bytes)).build();
        for (StreamObserver<ReducePart> stream : streams()) {
            synchronized (stream) {
                stream.onNext(part);
            }
        }
        float[] total = new float[length];
        float[] other = new float[length];
        for (int r = 0; r < peers.size(); r++) {
            if (r == rank) {
                Vectors.addInPlace(total, partial, length);
                continue;
            }
            ReducePart got = next(r);
            if (got.getData().size() != length * Float.BYTES) {
                throw new IllegalStateException("rank " + r + " sent a partial of " + got.getData().size() / Float.BYTES
                        + " floats to rank " + rank + ", which sums " + length);
            }
            got.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(other, 0, length);
            Vectors.addInPlace(total, other, length);
        }
        System.arraycopy(total, 0, partial, 0, length);
    }

    private ReducePart next(int sender) {
        try {
            Object got = received.get(sender).take();
            if (got instanceof Broken broken) {
                received.get(sender).add(broken); // later sums fail the same way
                throw new IllegalStateException(broken.reason());
            }
            return (ReducePart) got;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for rank " + sender + "'s partial", e);
        }
    }

    /** A partial from another rank, in its stream's order. */
    void deliver(ReducePart part) {
        int sender = part.getSender();
        if (sender < 0 || sender >= peers.size() || sender == rank) {
            throw new IllegalArgumentException("rank " + rank + " of " + peers.size() + " got a partial from rank " + sender);
        }
        received.get(sender).add(part);
    }

    /** The stream from {@code sender} ended before the session did. */
    void senderGone(int sender, String reason) {
        broken(sender, "rank " + sender + " (" + peers.get(sender) + ") " + reason);
    }

    private void broken(int sender, String reason) {
        if (closed) {
            return;
        }
        received.get(sender).add(new Broken(reason));
        onFailure.accept(reason);
    }

    /** The streams to the other ranks, opened at the first sum (every rank has its session by then). */
    private synchronized List<StreamObserver<ReducePart>> streams() {
        if (outgoing.isEmpty()) {
            for (int r = 0; r < peers.size(); r++) {
                if (r != rank) {
                    outgoing.add(open(r));
                }
            }
        }
        return outgoing;
    }

    /** Outside any call's context, whose end would cancel the stream. */
    private StreamObserver<ReducePart> open(int peer) {
        ManagedChannel channel = StageChannels.open(peers.get(peer), security);
        channels.add(channel);
        Context previous = Context.ROOT.attach();
        try {
            return ClientCalls.asyncClientStreamingCall(channel.newCall(StageRpc.ALL_REDUCE, CallOptions.DEFAULT),
                    new StreamObserver<>() {
                        @Override
                        public void onNext(Empty value) {
                        }

                        @Override
                        public void onError(Throwable t) {
                            broken(peer, "rank " + rank + " lost its all-reduce stream to rank " + peer + " ("
                                    + peers.get(peer) + "): " + RemoteStage.describe(Status.fromThrowable(t)));
                        }

                        @Override
                        public void onCompleted() {
                        }
                    });
        } finally {
            Context.ROOT.detach(previous);
        }
    }

    /** Ends the streams to the other ranks and fails any sum still waiting. */
    @Override
    public synchronized void close() {
        closed = true;
        for (StreamObserver<ReducePart> stream : outgoing) {
            synchronized (stream) {
                stream.onCompleted();
            }
        }
        channels.forEach(StageChannels::close);
        for (BlockingQueue<Object> queue : received) {
            queue.add(new Broken("the session ended"));
        }
    }
}
