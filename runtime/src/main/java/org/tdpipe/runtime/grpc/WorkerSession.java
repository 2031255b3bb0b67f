package org.tdpipe.runtime.grpc;

import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import org.tdpipe.core.timeline.Timeline;
import org.tdpipe.model.ModelSources;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.AllReduce;
import org.tdpipe.model.llama.LayerRange;
import org.tdpipe.model.llama.TensorShard;
import org.tdpipe.runtime.InProcessLink;
import org.tdpipe.runtime.StageComputation;
import org.tdpipe.runtime.StageFactory;
import org.tdpipe.runtime.StageMessage;
import org.tdpipe.runtime.StageResources;
import org.tdpipe.runtime.StageWorker;
import org.tdpipe.runtime.WorkerReport;
import org.tdpipe.runtime.grpc.proto.BatchResult;
import org.tdpipe.runtime.grpc.proto.Empty;
import org.tdpipe.runtime.grpc.proto.HandshakeRequest;
import org.tdpipe.runtime.grpc.proto.ReducePart;
import org.tdpipe.runtime.grpc.proto.StageActivations;
import org.tdpipe.runtime.grpc.proto.SubmitBatch;

/**
 * One controller's use of a worker process, from handshake to the end of its batch stream: the
 * model slice (only the weights of the assigned layers are opened) in a {@link StageWorker}, the
 * queue the previous stage's activations arrive on, the stream to the next stage, and on the
 * last stage the results for the controller. A tensor-parallel rank holds its shard of the whole
 * model and an all-reduce with the other ranks; only the leader rank reports results.
 */
final class WorkerSession implements AutoCloseable {
    private static final long SPAN_RETENTION_NANOS = 10_000_000_000L;
    private final String name;
    private final ModelSource model;
    private final StageWorker worker;
    private final SpanRelay spans;
    private final Optional<InProcessLink> inbound;
    private final Optional<ManagedChannel> successorChannel;
    private final Optional<StreamActivationSink> outbound;
    private final ResultStream results = new ResultStream();
    private final Optional<RemoteAllReduce> allReduce;
    private final boolean reports;
    private final Object controllerLock = new Object();
    private StreamObserver<Empty> controller;
    private String failure;
    private volatile boolean closed;

    private WorkerSession(String name, ModelSource model, HandshakeRequest h, WorkerSecurity security, StageFactory stages) {
        this.name = name;
        this.model = model;
        LayerRange range = new LayerRange(h.getLayerFrom(), h.getLayerTo(), h.getTotalLayers());
        StageResources resources = new StageResources(h.getNumBlocks(), h.getBlockSize(), h.getThreads(), h.getSeed());
        Optional<WorkerAddress> successor = range.isLast() ? Optional.empty() : Optional.of(WorkerAddress.parse(h.getSuccessor()));
        TensorShard shard = h.getTpSize() > 1 ? new TensorShard(h.getTpRank(), h.getTpSize()) : TensorShard.WHOLE;
        if (shard.size() > 1 && h.getTpPeersCount() != shard.size()) {
            throw new IllegalArgumentException(name + ": tensor-parallel rank of " + shard.size() + " given "
                    + h.getTpPeersCount() + " peers");
        }
        this.allReduce = shard.size() > 1
                ? Optional.of(new RemoteAllReduce(shard.rank(), h.getTpPeersList().stream().map(WorkerAddress::parse).toList(),
                        security, this::fail))
                : Optional.empty();
        this.reports = shard.isLeader();
        StageComputation computation = stages.load(model, range, resources, shard,
                allReduce.<AllReduce>map(a -> a).orElse(AllReduce.NONE));
        Timeline timeline = new Timeline(h.getNumStages());
        // spans go to the controller with each batch, which keeps the run's timeline: a worker that
        // serves for days keeps only the last few seconds of its own
        timeline.retainOnlyLast(SPAN_RETENTION_NANOS);
        this.spans = new SpanRelay(timeline);
        this.inbound = range.isFirst() ? Optional.empty() : Optional.of(new InProcessLink(h.getNumStages()));
        this.successorChannel = successor.map(address -> StageChannels.open(address, security));
        this.outbound = successorChannel.map(channel -> new StreamActivationSink(openActivations(channel, h.getSuccessor()), spans));
        this.worker = new StageWorker(h.getStage(), computation, inbound.map(l -> l), outbound.map(s -> s), this::report,
                timeline, new EpochClock());
        worker.start();
    }

    /**
     * The stream to the successor, outside the handshake call's context (whose end would cancel it);
     * when it breaks, the controller hears of it through this worker's batch stream.
     */
    private StreamObserver<StageActivations> openActivations(ManagedChannel channel, String successor) {
        Context previous = Context.ROOT.attach();
        try {
            return ClientCalls.asyncClientStreamingCall(channel.newCall(StageRpc.ACTIVATIONS, CallOptions.DEFAULT),
                    new StreamObserver<>() {
                        @Override
                        public void onNext(Empty value) {
                        }

                        @Override
                        public void onError(Throwable t) {
                            fail(name + " lost its stream to the next stage's worker " + successor + ": "
                                    + RemoteStage.describe(Status.fromThrowable(t)));
                        }

                        @Override
                        public void onCompleted() {
                        }
                    });
        } finally {
            Context.ROOT.detach(previous);
        }
    }

    /**
     * Checks the model identity, loads the slice with {@code stages} and connects to the successor.
     *
     * @throws IllegalArgumentException naming both models when this worker's file is not the controller's
     */
    static WorkerSession open(HandshakeRequest h, WorkerAddress self, WorkerSecurity security, StageFactory stages) {
        String name = "worker " + self + (h.getTpSize() > 1 ? " (rank " + h.getTpRank() + ")" : " (stage " + h.getStage() + ")");
        ModelSource model;
        try {
            model = ModelSources.open(h.getModelPath());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + " cannot open model " + h.getModelPath() + ": " + e.getMessage(), e);
        }
        try {
            ModelIdentity expected = ModelIdentity.fromProto(h.getModel());
            ModelIdentity actual = ModelIdentity.of(h.getModelPath(), model.config());
            if (!expected.equals(actual)) {
                throw new IllegalArgumentException(name + " refuses the handshake: the controller runs model " + expected
                        + " but this worker's " + h.getModelPath() + " is " + actual);
            }
            if (h.getTotalLayers() != model.config().numLayers()) {
                throw new IllegalArgumentException(name + ": the controller splits " + h.getTotalLayers()
                        + " layers but " + h.getModelPath() + " has " + model.config().numLayers());
            }
            return new WorkerSession(name, model, h, security, stages);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    String describe() {
        return name + ", layers " + worker.range().from() + ".." + (worker.range().to() - 1);
    }

    /** The controller's batch stream started: failures of this worker go back on {@code response}. */
    void attachController(StreamObserver<Empty> response) {
        synchronized (controllerLock) {
            this.controller = response;
            if (failure != null) {
                response.onError(Status.INTERNAL.withDescription(failure).asRuntimeException());
            }
        }
    }

    void attachResults(StreamObserver<BatchResult> observer) {
        results.attach(observer);
    }

    /** Hands the step to the stage worker (called in stream order). */
    void submit(SubmitBatch batch) {
        worker.accept(StepWire.decode(batch));
    }

    /** The id of the last batch the stage finished ({@code Long.MIN_VALUE} before the first). */
    long lastDone() {
        return worker.lastDone();
    }

    /** Another tensor-parallel rank's partial. */
    void deliver(ReducePart part) {
        allReduce.orElseThrow(() -> new IllegalStateException(name + " is not a tensor-parallel rank")).deliver(part);
    }

    /** The stream of partials from rank {@code sender} ended while the session runs. */
    void reduceSenderGone(int sender, String reason) {
        allReduce.ifPresent(a -> a.senderGone(sender, reason));
    }

    /** Hands the previous stage's message to the stage worker (waits while the link is full). */
    void deliver(StageActivations message) throws InterruptedException {
        if (inbound.isEmpty()) {
            throw new IllegalStateException(name + " is the first stage and receives no activations");
        }
        spans.received(message.getBatchId(), message.getSpansList());
        inbound.get().send(switch (message.getPayloadCase()) {
            case HIDDEN -> new StageMessage.Activations(message.getBatchId(), HiddenWire.decode(message.getHidden()));
            case ERROR -> new StageMessage.Failure(message.getBatchId(), message.getError());
            case PAYLOAD_NOT_SET -> new StageMessage.Failure(message.getBatchId(),
                    name + ": activations of batch " + message.getBatchId() + " arrived empty");
        });
    }

    private void report(WorkerReport report) {
        if (!reports && !(report instanceof WorkerReport.WorkerDied)) {
            return; // the leader rank reports the batch
        }
        switch (report) {
            case WorkerReport.BatchDone done -> results.send(BatchResult.newBuilder().setBatchId(done.batchId())
                    .setSampled(SampledWire.encode(done.output().sampled()))
                    .addAllPromptLogprobs(SampledWire.encodePrompt(done.output().promptLogprobs()))
                    .addAllSpans(spans.through(done.batchId())).build());
            case WorkerReport.BatchFailed failed -> results.send(BatchResult.newBuilder().setBatchId(failed.batchId())
                    .setError(failed.error()).addAllSpans(spans.through(failed.batchId())).build());
            case WorkerReport.WorkerDied died -> fail(name + " stopped: " + died.reason());
        }
    }

    // not under the session's lock: close() holds it while it waits for the stage thread that calls this
    private void fail(String reason) {
        synchronized (controllerLock) {
            if (failure == null && !closed) {
                failure = reason;
                if (controller != null) {
                    controller.onError(Status.INTERNAL.withDescription(reason).asRuntimeException());
                }
            }
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Stops the stage worker, ends the streams of this session and releases the model. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        allReduce.ifPresent(RemoteAllReduce::close); // a rank waiting in a sum stops waiting
        worker.close();
        outbound.ifPresent(StreamActivationSink::close);
        successorChannel.ifPresent(StageChannels::close);
        results.close();
        model.close();
    }
}
