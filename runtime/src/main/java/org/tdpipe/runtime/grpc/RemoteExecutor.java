package org.tdpipe.runtime.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.StepResult;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.timeline.Span;
import org.tdpipe.model.dummy.DummyModelSource;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.LayerRange;
import org.tdpipe.model.llama.TensorShard;
import org.tdpipe.model.step.StepInput;
import org.tdpipe.runtime.AsyncPipelineExecutor;
import org.tdpipe.runtime.StageResources;
import org.tdpipe.runtime.WorkerFailurePolicy;
import org.tdpipe.runtime.grpc.proto.BatchResult;
import org.tdpipe.runtime.grpc.proto.HandshakeRequest;
import org.tdpipe.runtime.grpc.proto.StageSpan;
import org.tdpipe.runtime.grpc.proto.SubmitBatch;

/**
 * P stage workers in other processes or hosts over gRPC (DESIGN §4), up to P batches in flight.
 * The handshake gives each worker the model (checked by identity) and its layer range, last stage
 * first so that each can connect to its successor. {@link #submit} sends the step ({@link StepWire},
 * per-sequence deltas) to every stage; activations flow worker to worker; the last worker streams
 * the results back.
 *
 * <p>A worker whose stream breaks, that misses a heartbeat or that holds a batch past its deadline
 * breaks the pipeline: every batch in flight completes as failed with an error naming the worker.
 * Then, as the {@link WorkerFailurePolicy} says, every later batch fails too, or the controller
 * reconnects to the same workers (a new session: handshake, empty KV caches) while the engine
 * recomputes the requests whose KV cache was lost. A worker that does not answer the reconnect
 * is replaced by the first spare that does, for good.
 *
 * <p>The workers may instead form one tensor-parallel group ({@link #tensorParallel}): each the rank
 * of its index over the whole model, one batch in flight, every step sent to every rank, the ranks
 * summing with each other directly (two all-reduces a layer), the leader (rank 0) returning the
 * results. Must be used from one controller thread.
 */
public final class RemoteExecutor extends AsyncPipelineExecutor<RemoteExecutor.Event> {
    /** Epoch time of this clock's zero: workers' spans are in epoch nanoseconds. */
    private final long epochOrigin = new EpochClock().nanos() - clock().nanos();
    private final List<LayerRange> ranges;
    /** Each stage's worker: the one given, or the spare that took its place. */
    private final List<WorkerAddress> workers;
    /** Workers not in the pipeline that may take the place of one that does not come back. */
    private final List<WorkerAddress> spares;
    private final StageResources resources;
    private final WorkerSecurity security;
    private final FaultTimeouts timeouts;
    private final String modelPath;
    private final ModelIdentity identity;
    /** The workers are the ranks of one tensor-parallel stage, not a pipeline of stages. */
    private final boolean oneGroup;
    private final ScheduledExecutorService heartbeats;
    /** The workers of the current session; the heartbeat thread reads it. */
    private volatile Session session = new Session(0, List.of());
    /** Why the previous session broke, while requests of it may still be scheduled. */
    private String lostReason;
    /**
     * Requests whose KV cache the workers held when the pipeline broke, until they start again: they
     * cannot continue (a request the workers never held may, declaring its tokens computed: a profiler's probe).
     */
    private final Set<Request> lost = Collections.newSetFromMap(new IdentityHashMap<>());

    /** One handshake's connections to the workers; events of an older session are stale. */
    private record Session(int generation, List<RemoteStage> stages) {
    }

    /** What arrives from the workers, tagged with the session it belongs to. */
    sealed interface Event {
        int generation();

        record Result(int generation, BatchResult result) implements Event {
        }

        record WorkerLost(int generation, String reason) implements Event {
        }
    }

    /**
     * Connects to {@code workers} (one per range, in pipeline order) and hands each its layers of
     * {@code model}, which every worker must be able to open at the same path. {@code spares} are
     * tried, in order, for a worker that does not answer when the pipeline reconnects.
     *
     * @throws IllegalArgumentException when a worker is unreachable or refuses (e.g. another model file)
     */
    public RemoteExecutor(ModelSource model, List<LayerRange> ranges, List<WorkerAddress> workers, List<WorkerAddress> spares,
            StageResources resources, WorkerSecurity security, FaultTimeouts timeouts, WorkerFailurePolicy onFailure) {
        this(model, ranges, workers, spares, resources, security, timeouts, onFailure, false);
    }

    /**
     * One stage of the whole model split over {@code ranks} (tensor parallelism; rank i is
     * {@code ranks.get(i)}), each with {@code resources} (its threads, its KV heads' share of the
     * cache); a spare takes the place of a rank that does not answer a reconnect.
     *
     * @throws IllegalArgumentException when a rank is unreachable or refuses, or the ranks do not divide the model
     */
    public static RemoteExecutor tensorParallel(ModelSource model, List<WorkerAddress> ranks, List<WorkerAddress> spares,
            StageResources resources, WorkerSecurity security, FaultTimeouts timeouts, WorkerFailurePolicy onFailure) {
        TensorShard.requireDivides(model.config(), ranks.size());
        int layers = model.config().numLayers();
        return new RemoteExecutor(model, List.of(new LayerRange(0, layers, layers)), ranks, spares, resources, security,
                timeouts, onFailure, true);
    }

    private RemoteExecutor(ModelSource model, List<LayerRange> ranges, List<WorkerAddress> workers, List<WorkerAddress> spares,
            StageResources resources, WorkerSecurity security, FaultTimeouts timeouts, WorkerFailurePolicy onFailure,
            boolean oneGroup) {
        super(oneGroup ? 1 : checkedStages(ranges, workers), timeouts.batchDeadline(), onFailure);
        if (!spares.isEmpty() && !onFailure.waits()) {
            throw new IllegalArgumentException("spare workers " + spares + " need a failure policy that waits for the pipeline");
        }
        this.oneGroup = oneGroup;
        this.ranges = List.copyOf(ranges);
        this.workers = new ArrayList<>(workers);
        this.spares = new ArrayList<>(spares);
        this.resources = resources;
        this.security = security;
        this.timeouts = timeouts;
        this.modelPath = modelPath(model);
        this.identity = ModelIdentity.of(modelPath, model.config());
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("tdpipe-heartbeat")
                .daemon().unstarted(r));
        try {
            connect(0);
        } catch (RuntimeException e) {
            heartbeats.shutdownNow();
            throw e;
        }
        long interval = timeouts.heartbeatInterval().toMillis();
        heartbeats.scheduleAtFixedRate(this::heartbeat, interval, interval, TimeUnit.MILLISECONDS);
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

    /**
     * Opens session {@code generation}: handshakes every worker, last stage first, and opens the streams.
     *
     * @throws IllegalArgumentException naming the first worker that is unreachable or refuses
     */
    private void connect(int generation) {
        RemoteStage[] stages = new RemoteStage[workers.size()];
        List<WorkerAddress> before = List.copyOf(workers);
        try {
            for (int s = stages.length - 1; s >= 0; s--) {
                stages[s] = generation == 0 ? handshake(s, workers.get(s)) : handshakeOrReplace(s);
            }
            if (oneGroup && !workers.equals(before)) {
                // a spare took a rank: the ranks handshaken before it were given the old peers
                for (int s = stages.length - 1; s >= 0; s--) {
                    stages[s].close();
                    stages[s] = handshake(s, workers.get(s));
                }
            }
            RemoteStage reporter = oneGroup ? stages[0] : stages[stages.length - 1];
            reporter.openResults(new ResultObserver(generation, reporter));
            for (RemoteStage stage : stages) {
                stage.openSubmits(reason -> lost(generation, reason));
            }
        } catch (RuntimeException e) {
            for (RemoteStage stage : stages) {
                if (stage != null) {
                    stage.close();
                }
            }
            throw e;
        }
        session = new Session(generation, List.of(stages));
    }

    /**
     * Stage {@code s} on its worker, or, when that one does not answer, on the first spare that does
     * (which then replaces it).
     */
    private RemoteStage handshakeOrReplace(int s) {
        try {
            return handshake(s, workers.get(s));
        } catch (RuntimeException notBack) {
            for (WorkerAddress spare : List.copyOf(spares)) {
                try {
                    RemoteStage stage = handshake(s, spare);
                    System.err.println("tdpipe: spare worker " + spare + " takes stage " + s + " from " + workers.get(s)
                            + " (" + notBack.getMessage() + ")");
                    spares.remove(spare);
                    workers.set(s, spare);
                    return stage;
                } catch (RuntimeException spareDown) {
                    notBack.addSuppressed(spareDown);
                }
            }
            throw notBack;
        }
    }

    /**
     * Hands stage {@code s} (its successor already chosen), or rank {@code s} of the group, to
     * {@code worker}; closes the connection if it refuses.
     */
    private RemoteStage handshake(int s, WorkerAddress worker) {
        LayerRange r = ranges.get(oneGroup ? 0 : s);
        RemoteStage stage = new RemoteStage((oneGroup ? "rank " : "stage ") + s, worker, security);
        HandshakeRequest.Builder h = HandshakeRequest.newBuilder().setModelPath(modelPath).setModel(identity.toProto())
                .setLayerFrom(r.from()).setLayerTo(r.to()).setTotalLayers(r.total())
                .setNumBlocks(resources.numBlocks()).setBlockSize(resources.blockSize())
                .setThreads(resources.threads()).setSeed(resources.seed());
        if (oneGroup) {
            h.setStage(0).setNumStages(1).setTpRank(s).setTpSize(workers.size())
                    .addAllTpPeers(workers.stream().map(WorkerAddress::toString).toList());
        } else {
            h.setStage(s).setNumStages(workers.size()).setSuccessor(s + 1 < workers.size() ? workers.get(s + 1).toString() : "");
        }
        try {
            stage.handshake(h.build(), timeouts.handshakeDeadline());
            return stage;
        } catch (RuntimeException e) {
            stage.close();
            throw e;
        }
    }

    private void heartbeat() {
        Session current = session;
        for (RemoteStage stage : current.stages()) {
            stage.heartbeat(timeouts.heartbeatDeadline(), reason -> lost(current.generation(), reason));
        }
    }

    private void lost(int generation, String reason) {
        post(new Event.WorkerLost(generation, reason));
    }

    @Override
    protected void dispatch(StepInput step) {
        SubmitBatch message = StepWire.encode(step);
        for (RemoteStage stage : session.stages()) {
            stage.submit(message);
        }
    }

    @Override
    protected Optional<String> refuse(StepBatch batch) {
        for (ScheduledSeq seq : batch.seqs()) {
            if (seq.start() == 0) {
                lost.remove(seq.request());
            } else if (lost.contains(seq.request()) && !holdsState(seq.request())) {
                return Optional.of("request " + seq.request().externalId() + " lost its KV cache when the pipeline broke: "
                        + lostReason);
            }
        }
        return Optional.empty();
    }

    @Override
    protected boolean isStale(Event event) {
        return event.generation() != session.generation();
    }

    @Override
    protected List<Request> disconnect(String reason) {
        Session broken = session;
        session = new Session(broken.generation() + 1, List.of());
        lostReason = reason;
        broken.stages().forEach(RemoteStage::close);
        List<Request> held = heldByStages();
        lost.removeIf(Request::isFinished);
        lost.addAll(held);
        return held;
    }

    @Override
    protected void reconnect() {
        connect(session.generation());
    }

    @Override
    protected String whereIs(StepBatch batch) {
        for (RemoteStage stage : session.stages()) {
            if (stage.lastDone() < batch.id()) {
                return stage.name() + " had not finished it at its last heartbeat";
            }
        }
        return "every worker had finished it at its last heartbeat, but its result never arrived";
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
            case SAMPLED -> StepResult.ok(head, SampledWire.decode(head.id(), result.getSampled()),
                    SampledWire.decodePrompt(head.id(), result.getPromptLogprobsList()));
            case ERROR -> StepResult.failed(head, result.getError());
            case OUTCOME_NOT_SET -> StepResult.failed(head, reporter().name() + " returned batch " + head.id()
                    + " without tokens or error");
        };
    }

    private RemoteStage reporter() {
        return oneGroup ? session.stages().getFirst() : session.stages().getLast();
    }

    /** Stops the heartbeats, ends every worker's session and closes the connections. */
    @Override
    public void close() {
        heartbeats.shutdownNow();
        session.stages().forEach(RemoteStage::close);
    }

    /** The last stage's results, queued for the controller thread. */
    private final class ResultObserver implements StreamObserver<BatchResult> {
        private final int generation;
        private final RemoteStage last;

        ResultObserver(int generation, RemoteStage last) {
            this.generation = generation;
            this.last = last;
        }

        @Override
        public void onNext(BatchResult result) {
            post(new Event.Result(generation, result));
        }

        @Override
        public void onError(Throwable t) {
            lost(generation, last.name() + " failed: " + RemoteStage.describe(Status.fromThrowable(t)));
        }

        @Override
        public void onCompleted() {
            lost(generation, last.name() + " ended its results stream");
        }
    }
}
