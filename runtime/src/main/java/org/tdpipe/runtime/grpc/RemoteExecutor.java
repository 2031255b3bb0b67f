package org.tdpipe.runtime.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.tdpipe.core.exec.Clock;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.StepResult;
import org.tdpipe.core.exec.WallClock;
import org.tdpipe.core.timeline.Span;
import org.tdpipe.core.timeline.Timeline;
import org.tdpipe.model.dummy.DummyModelSource;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.LayerRange;
import org.tdpipe.model.llama.StepOutput;
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
public final class RemoteExecutor implements PipelineExecutor {
    private final Clock clock = new WallClock();
    /** Epoch time of this clock's zero: workers' spans are in epoch nanoseconds. */
    private final long epochOrigin = new EpochClock().nanos() - clock.nanos();
    private final Timeline timeline;
    private final List<RemoteStage> stages;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    /** Launched batches not yet returned by {@link #next}, in launch order (= completion order). */
    private final ArrayDeque<StepBatch> inFlight = new ArrayDeque<>();
    private final Consumer<StepOutput> onOutput;
    private final ScheduledExecutorService heartbeats;
    private String brokenReason;

    /** What arrives from the workers, in order. */
    private sealed interface Event {
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
        if (ranges.size() != workers.size()) {
            throw new IllegalArgumentException(ranges.size() + " stages but " + workers.size() + " workers given: "
                    + workers);
        }
        this.onOutput = onOutput;
        this.timeline = new Timeline(ranges.size());
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

    /** The model as workers open it: a file by its absolute path (they may run in another directory). */
    private static String modelPath(ModelSource model) {
        String spec = model.location();
        return spec.startsWith(DummyModelSource.PREFIX) ? spec : Path.of(spec).toAbsolutePath().toString();
    }

    private void lost(String reason) {
        events.add(new Event.WorkerLost(reason));
    }

    @Override
    public int numStages() {
        return stages.size();
    }

    @Override
    public int maxInFlight() {
        return stages.size();
    }

    @Override
    public int inFlight() {
        return inFlight.size();
    }

    @Override
    public void submit(StepBatch batch) {
        if (!hasFreeSlot()) {
            throw new IllegalStateException("no free slot for batch " + batch.id() + ": " + inFlight.size()
                    + " batches in flight on " + stages.size() + " stages");
        }
        inFlight.addLast(batch);
        if (brokenReason == null) {
            var message = BatchWire.encode(batch);
            for (RemoteStage stage : stages) {
                stage.submit(message);
            }
        }
    }

    @Override
    public Optional<StepResult> next(long deadlineNanos) {
        if (inFlight.isEmpty()) {
            if (deadlineNanos == Long.MAX_VALUE) {
                throw new IllegalStateException("nothing in flight: waiting for a completion without a deadline would never end");
            }
            sleepUntil(deadlineNanos);
            return Optional.empty();
        }
        if (brokenReason != null) {
            return Optional.of(StepResult.failed(inFlight.pollFirst(), brokenReason));
        }
        Event event = awaitEvent(deadlineNanos);
        if (event == null) {
            return Optional.empty();
        }
        StepBatch head = inFlight.pollFirst();
        return Optional.of(switch (event) {
            case Event.WorkerLost lost -> {
                brokenReason = lost.reason();
                yield StepResult.failed(head, brokenReason);
            }
            case Event.Result r -> complete(head, r.result());
        });
    }

    private StepResult complete(StepBatch head, BatchResult result) {
        if (head.id() != result.getBatchId()) {
            throw new IllegalStateException("batch " + result.getBatchId() + " completed before batch " + head.id()
                    + ", which was launched first");
        }
        for (StageSpan s : result.getSpansList()) {
            timeline.record(new Span(s.getStage(), head.id(), head.phase(), head.seqs().size(), head.numTokens(),
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

    private Event awaitEvent(long deadlineNanos) {
        try {
            if (deadlineNanos == Long.MAX_VALUE) {
                return events.take();
            }
            return events.poll(Math.max(0, deadlineNanos - clock.nanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for batch " + inFlight.peekFirst().id(), e);
        }
    }

    private void sleepUntil(long deadlineNanos) {
        long wait;
        while ((wait = deadlineNanos - clock.nanos()) > 0 && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(wait);
        }
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Timeline timeline() {
        return timeline;
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
            events.add(new Event.Result(result));
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
