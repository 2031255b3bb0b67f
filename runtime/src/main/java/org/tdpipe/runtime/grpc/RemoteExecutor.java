package org.tdpipe.runtime.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.StepResult;
import org.tdpipe.core.timeline.Span;
import org.tdpipe.model.dummy.DummyModelSource;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.LayerRange;
import org.tdpipe.model.llama.StepOutput;
import org.tdpipe.runtime.AsyncPipelineExecutor;
import org.tdpipe.runtime.StageResources;
import org.tdpipe.runtime.grpc.proto.BatchResult;
import org.tdpipe.runtime.grpc.proto.HandshakeRequest;
import org.tdpipe.runtime.grpc.proto.StageSpan;

/**
 * P stage workers in other processes or hosts over gRPC (DESIGN §4), up to P batches in flight.
 * The handshake gives each worker the model (checked by identity) and its layer range, last stage
 * first so that each can connect to its successor. {@link #submit} sends the batch's metadata to
 * every stage; activations flow worker to worker; the last worker streams the results back.
 *
 * <p>A worker whose stream breaks or that misses a heartbeat fails the pipeline: every batch in
 * flight and every later one completes as failed with an error naming the worker, so no request
 * waits forever. Must be used from one controller thread.
 */
public final class RemoteExecutor extends AsyncPipelineExecutor<RemoteExecutor.Event> {
    /** Epoch time of this clock's zero: workers' spans are in epoch nanoseconds. */
    private final long epochOrigin = new EpochClock().nanos() - clock().nanos();
    private final List<RemoteStage> stages;
    private final Consumer<StepOutput> onOutput;
    private final ScheduledExecutorService heartbeats;

    /** What arrives from the workers, in order. */
    sealed interface Event {
        record Result(BatchResult result) implements Event {
        }

        record WorkerLost(String reason) implements Event {
        }
    }

    /**
     * Connects to {@code workers} (one per range, in pipeline order) and hands each its layers of
     * {@code model}, which every worker must be able to open at the same path.
     *
     * @throws IllegalArgumentException when a worker is unreachable or refuses (e.g. another model file)
     */
    public RemoteExecutor(ModelSource model, List<LayerRange> ranges, List<WorkerAddress> workers, StageResources resources,
            Optional<String> token, FaultTimeouts timeouts, Consumer<StepOutput> onOutput) {
        super(checkedStages(ranges, workers));
        this.onOutput = onOutput;
        List<RemoteStage> list = new ArrayList<>();
        for (int s = 0; s < workers.size(); s++) {
            list.add(new RemoteStage(s, workers.get(s), token));
        }
        this.stages = List.copyOf(list);
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("tdpipe-heartbeat")
                .daemon().unstarted(r));
        try {
            String path = modelPath(model);
            ModelIdentity identity = ModelIdentity.of(path, model.config());
            for (int s = stages.size() - 1; s >= 0; s--) {
                LayerRange r = ranges.get(s);
                stages.get(s).handshake(HandshakeRequest.newBuilder().setModelPath(path)
                        .setModel(identity.toProto()).setStage(s).setNumStages(stages.size()).setLayerFrom(r.from())
                        .setLayerTo(r.to()).setTotalLayers(r.total())
                        .setSuccessor(s + 1 < stages.size() ? workers.get(s + 1).toString() : "")
                        .setNumBlocks(resources.numBlocks()).setBlockSize(resources.blockSize())
                        .setThreads(resources.threads()).setSeed(resources.seed()).build(), timeouts.handshakeDeadline());
            }
            stages.getLast().openResults(new ResultObserver(stages.getLast()));
            for (RemoteStage stage : stages) {
                stage.openSubmits(this::lost);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        long interval = timeouts.heartbeatInterval().toMillis();
        heartbeats.scheduleAtFixedRate(() -> stages.forEach(s -> s.heartbeat(timeouts.heartbeatDeadline(), this::lost)),
                interval, interval, TimeUnit.MILLISECONDS);
    }

    private static int checkedStages(List<LayerRange> ranges, List<WorkerAddress> workers) {
        if (ranges.size() != workers.size()) {
            throw new IllegalArgumentException(ranges.size() + " stages but " + workers.size() + " workers given: "
                    + workers);
        }
        return ranges.size();
    }

    /** The model as workers open it: a file by its absolute path (they may run in another directory). */
    private static String modelPath(ModelSource model) {
        String spec = model.location();
        return spec.startsWith(DummyModelSource.PREFIX) ? spec : Path.of(spec).toAbsolutePath().toString();
    }

    private void lost(String reason) {
        post(new Event.WorkerLost(reason));
    }

    @Override
    protected void dispatch(StepBatch batch) {
        var message = BatchWire.encode(batch);
        for (RemoteStage stage : stages) {
            stage.submit(message);
        }
    }

    @Override
    protected StepResult complete(StepBatch head, Event event) {
        return switch (event) {
            case Event.WorkerLost lost -> breakDown(head, lost.reason());
            case Event.Result r -> complete(head, r.result());
        };
    }

    private StepResult complete(StepBatch head, BatchResult result) {
        requireHead(head, result.getBatchId());
        for (StageSpan s : result.getSpansList()) {
            timeline().record(new Span(s.getStage(), head.id(), head.phase(), head.seqs().size(), head.numTokens(),
                    s.getStartEpochNanos() - epochOrigin, s.getEndEpochNanos() - epochOrigin));
        }
        return switch (result.getOutcomeCase()) {
            case SAMPLED -> {
                StepOutput output = SampledWire.decode(head, result.getSampled());
                onOutput.accept(output);
                yield StepResult.ok(head, output.tokens());
            }
            case ERROR -> StepResult.failed(head, result.getError());
            case OUTCOME_NOT_SET -> StepResult.failed(head, stages.getLast().name() + " returned batch " + head.id()
                    + " without tokens or error");
        };
    }

    /** Stops the heartbeats, ends every worker's session and closes the connections. */
    @Override
    public void close() {
        heartbeats.shutdownNow();
        stages.forEach(RemoteStage::close);
    }

    /** The last stage's results, queued for the controller thread. */
    private final class ResultObserver implements StreamObserver<BatchResult> {
        private final RemoteStage last;

        ResultObserver(RemoteStage last) {
            this.last = last;
        }

        @Override
        public void onNext(BatchResult result) {
            post(new Event.Result(result));
        }

        @Override
        public void onError(Throwable t) {
            lost(last.name() + " failed: " + RemoteStage.describe(Status.fromThrowable(t)));
        }

        @Override
        public void onCompleted() {
            lost(last.name() + " ended its results stream");
        }
    }
}
