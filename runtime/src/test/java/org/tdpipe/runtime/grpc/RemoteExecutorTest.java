package org.tdpipe.runtime.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tdpipe.core.exec.ForwardingPipelineExecutor;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.exec.StepResult;
import org.tdpipe.core.profile.HandoffTiming;
import org.tdpipe.core.profile.StageProfile;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.sched.SchedulerPolicy;
import org.tdpipe.core.sched.vllm.VllmOptions;
import org.tdpipe.core.sched.vllm.VllmPolicies;
import org.tdpipe.core.timeline.Span;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.runtime.BatchDeadline;
import org.tdpipe.runtime.EngineDriver;
import org.tdpipe.runtime.StageProfiler;
import org.tdpipe.runtime.StageResources;
import org.tdpipe.runtime.Stories260K;
import org.tdpipe.runtime.WorkerFailurePolicy;
import org.tdpipe.runtime.grpc.proto.HandshakeRequest;

/** The gRPC pipeline with real worker processes on loopback. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RemoteExecutorTest {
    private static final List<String> PROMPTS = List.of("Once upon a time", "Lily and Tom", "The sun");
    private static final StageResources RESOURCES = EngineDriver.RESOURCES;
    private static final String TOKEN = "s3cret";
    /** Heartbeats every 200 ms, 2 s to answer: a hung worker is found within about two seconds. */
    private static final FaultTimeouts FAST_FAULTS =
            new FaultTimeouts(Duration.ofSeconds(30), Duration.ofMillis(200), Duration.ofSeconds(2), BatchDeadline.AUTO);
    /** Reconnects every 200 ms for up to 30 s. */
    private static final WorkerFailurePolicy WAIT = WorkerFailurePolicy.waitFor(Duration.ofMillis(200), Duration.ofSeconds(30));

    private final List<WorkerProcess> processes = new ArrayList<>();

    @AfterEach
    void killWorkers() {
        processes.forEach(WorkerProcess::close);
    }

    private List<WorkerAddress> startWorkers(int n, Optional<String> token) {
        List<WorkerAddress> addresses = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            WorkerProcess p = new WorkerProcess(token);
            processes.add(p);
            addresses.add(p.address());
        }
        return addresses;
    }

    private static RemoteExecutor connect(ModelSource source, List<WorkerAddress> workers, Optional<String> token,
            FaultTimeouts timeouts) {
        return connect(source, workers, token, timeouts, WorkerFailurePolicy.SHUTDOWN);
    }

    private static RemoteExecutor connect(ModelSource source, List<WorkerAddress> workers, Optional<String> token,
            FaultTimeouts timeouts, WorkerFailurePolicy onFailure) {
        return new RemoteExecutor(source, EngineDriver.balanced(source, workers.size()), workers, List.of(), RESOURCES,
                new WorkerSecurity(token, Optional.empty()), timeouts, onFailure);
    }

    /** Runs {@link EngineDriver#requests} on two workers; {@code fault} strikes worker {@code victim} after 10 outputs. */
    private List<Request> runWithFault(ModelSource source, int victim, Consumer<WorkerProcess> fault) {
        List<Request> requests = EngineDriver.requests(source, PROMPTS);
        List<WorkerAddress> workers = startWorkers(2, Optional.empty());
        try (RemoteExecutor executor = connect(source, workers, Optional.empty(), FAST_FAULTS)) {
            EngineDriver.run(source, afterBatches(executor, 10, () -> fault.accept(processes.get(victim))), "pp-vllm", requests);
        }
        return requests;
    }

    @Test
    void seededOutputsAndTheirLogprobsMatchOneLocalStage() {
        try (ModelSource source = Stories260K.open()) {
            List<List<SampledToken>> expected = EngineDriver.singleStageSeededOutputs(source, PROMPTS);
            try (RemoteExecutor executor = connect(source, startWorkers(2, Optional.empty()), Optional.empty(), FaultTimeouts.DEFAULT)) {
                EngineDriver.assertSameSamples(expected, EngineDriver.seededOutputs(source, executor, PROMPTS), "2 workers");
            }
        }
    }

    /** {@code executor}, which runs {@code action} once when its {@code n}-th batch has completed. */
    private static PipelineExecutor afterBatches(PipelineExecutor executor, int n, Runnable action) {
        AtomicInteger completed = new AtomicInteger();
        return new ForwardingPipelineExecutor(executor) {
            @Override
            public Optional<StepResult> next(long deadlineNanos) {
                Optional<StepResult> result = super.next(deadlineNanos);
                if (result.isPresent() && !result.get().failed() && completed.incrementAndGet() == n) {
                    action.run();
                }
                return result;
            }
        };
    }

    /** Every request finished; the long one failed; every error names {@code failed}. */
    private static void assertEveryRequestEndedNaming(List<Request> requests, String failed, String cause) {
        for (Request r : requests) {
            assertTrue(r.isFinished(), r.externalId());
        }
        assertEquals(FinishReason.ERROR, requests.getFirst().finishReason(), "the 200-token request outlives the worker");
        for (Request r : requests) {
            if (r.error() != null) {
                assertTrue(r.error().contains(failed) && r.error().contains(cause), r.externalId() + ": " + r.error());
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"2, true", "3, false"})
    void greedyOutputsMatchOneLocalStageTokenForToken(int stages, boolean withToken) {
        Optional<String> token = withToken ? Optional.of(TOKEN) : Optional.empty();
        try (ModelSource source = Stories260K.open()) {
            List<int[]> expected = EngineDriver.singleStageOutputs(source, PROMPTS);
            List<Request> requests = EngineDriver.requests(source, PROMPTS);
            List<WorkerAddress> workers = startWorkers(stages, token);
            try (RemoteExecutor executor = connect(source, workers, token, FaultTimeouts.DEFAULT)) {
                EngineDriver.run(source, executor, "pp-vllm", requests);
                List<Span> spans = executor.timeline().spans();
                for (int s = 0; s < stages; s++) {
                    int stage = s;
                    assertTrue(spans.stream().anyMatch(span -> span.stage() == stage), "spans of stage " + s + " came back");
                }
            }
            assertArrayEquals(Stories260K.greedyReference(), requests.getFirst().tokens(0, requests.getFirst().numTokens()),
                    "BOS continuation");
            EngineDriver.assertFinishedWith(expected, requests);
        }
    }

    @Test
    void killingAWorkerMidRunEndsEveryRequestWithAnErrorNamingIt() {
        try (ModelSource source = Stories260K.open()) {
            List<Request> requests = runWithFault(source, 0, WorkerProcess::kill);
            assertEveryRequestEndedNaming(requests, "worker " + processes.getFirst().address() + " (stage 0)", "UNAVAILABLE");
        }
    }

    @Test
    void aHungWorkerIsDetectedByItsMissedHeartbeats() {
        try (ModelSource source = Stories260K.open()) {
            List<Request> requests = runWithFault(source, 1, WorkerProcess::suspend);
            assertEveryRequestEndedNaming(requests, "worker " + processes.get(1).address() + " (stage 1)",
                    "missed a heartbeat: DEADLINE_EXCEEDED");
        }
    }

    @Test
    void aStuckStageIsFoundByItsBatchDeadlineThoughItsProcessAnswersHeartbeats() {
        try (ModelSource source = Stories260K.open()) {
            List<Request> requests = EngineDriver.requests(source, PROMPTS);
            processes.add(new WorkerProcess(Optional.empty()));
            processes.add(new WorkerProcess(0, WorkerSecurity.NONE, 12));
            List<WorkerAddress> workers = processes.stream().map(WorkerProcess::address).toList();
            FaultTimeouts timeouts = FAST_FAULTS.withBatchDeadline(BatchDeadline.fixed(Duration.ofSeconds(2)));
            try (RemoteExecutor executor = connect(source, workers, Optional.empty(), timeouts)) {
                EngineDriver.run(source, executor, "pp-vllm", requests);
            }
            assertEveryRequestEndedNaming(requests, "worker " + workers.get(1) + " (stage 1) had not finished it at its last heartbeat",
                    "did not complete within 2.0 s");
            assertTrue(requests.getFirst().error().startsWith("batch "), requests.getFirst().error());
        }
    }

    /**
     * pp-vllm with one running request per virtual engine: of {@link EngineDriver#requests}, "bos"
     * and "p0" run first (both outlive output 10) while "p1" and "p2" wait for a free engine.
     */
    private static List<Request> runTwoAtATime(ModelSource source, PipelineExecutor executor) {
        List<Request> requests = EngineDriver.requests(source, PROMPTS);
        SchedulerPolicy policy = VllmPolicies.create(VllmPolicies.PP_VLLM, EngineDriver.context(source, executor),
                VllmOptions.defaults().withMaxNumSeqs(1));
        return EngineDriver.run(source, executor, policy, requests);
    }

    /** Kills worker 0 and starts a new one on its port. */
    private Runnable restartFirstWorker(List<WorkerAddress> workers) {
        return () -> {
            processes.getFirst().kill();
            processes.add(new WorkerProcess(workers.getFirst().port(), WorkerSecurity.NONE, 0));
        };
    }

    @Test
    void aStageProfileOfWorkersTimesTheirStagesAndTheMessagesBetweenThem() {
        try (ModelSource source = Stories260K.open()) {
            List<WorkerAddress> workers = startWorkers(2, Optional.empty());
            StageProfiler profiler = new StageProfiler((blocks, blockSize) -> new RemoteExecutor(source, EngineDriver.balanced(source, 2),
                    workers, List.of(), new StageResources(blocks, blockSize, 1, 0), WorkerSecurity.NONE, FaultTimeouts.DEFAULT,
                    WorkerFailurePolicy.SHUTDOWN), source.config().contextLength());
            // decode probes start past position 0 on requests the workers never held
            StageProfile profile = profiler.measure(new StageProfiler.Grid(4, 4, 2, new int[] {4, 8}, 1), Map.of());
            assertEquals(2, profile.numStages());
            assertEquals(2 * 2 * 2, profile.timings(0, Phase.DECODE).size() + profile.timings(1, Phase.DECODE).size());
            for (int toStage = 0; toStage <= 2; toStage++) {
                int s = toStage;
                assertEquals(List.of(1, 2, 4), profile.handoffs().stream().filter(h -> h.toStage() == s).map(HandoffTiming::tokens).toList());
            }
            assertTrue(profile.handoffs().stream().allMatch(h -> h.ms() < 10_000), profile.handoffs().toString());
        }
    }

    @Test
    void aKilledWorkerThatComesBackCostsNoRequest() {
        try (ModelSource source = Stories260K.open()) {
            List<int[]> expected = EngineDriver.singleStageOutputs(source, PROMPTS);
            List<WorkerAddress> workers = startWorkers(2, Optional.empty());
            List<Request> requests;
            try (RemoteExecutor executor = connect(source, workers, Optional.empty(), FAST_FAULTS, WAIT)) {
                requests = runTwoAtATime(source, afterBatches(executor, 10, restartFirstWorker(workers)));
            }
            assertTrue(requests.getFirst().preemptions() > 0, "the 200-token request was recomputed: " + requests.getFirst());
            EngineDriver.assertFinishedWith(expected, requests);
        }
    }

    @Test
    void seededRequestsRecomputedAfterAWorkerDiedSampleAsAFaultFreeRun() {
        try (ModelSource source = Stories260K.open()) {
            List<List<SampledToken>> expected = EngineDriver.singleStageSeededOutputs(source, PROMPTS);
            List<WorkerAddress> workers = startWorkers(2, Optional.empty());
            AtomicInteger lost = new AtomicInteger();
            try (RemoteExecutor executor = connect(source, workers, Optional.empty(), FAST_FAULTS, WAIT)) {
                PipelineExecutor faulty = new ForwardingPipelineExecutor(afterBatches(executor, 10, restartFirstWorker(workers))) {
                    @Override
                    public Optional<StepResult> next(long deadlineNanos) {
                        Optional<StepResult> result = super.next(deadlineNanos);
                        result.filter(StepResult::recoverable).ifPresent(r -> lost.incrementAndGet());
                        return result;
                    }
                };
                EngineDriver.assertSameSamples(expected, EngineDriver.seededOutputs(source, faulty, PROMPTS),
                        "worker 0 killed after 10 batches");
            }
            assertTrue(lost.get() > 0, "batches were lost with the worker");
        }
    }

    @Test
    void aSpareWorkerTakesThePlaceOfOneThatDoesNotComeBack() {
        try (ModelSource source = Stories260K.open()) {
            List<int[]> expected = EngineDriver.singleStageOutputs(source, PROMPTS);
            List<WorkerAddress> workers = startWorkers(2, Optional.empty());
            List<WorkerAddress> spares = startWorkers(1, Optional.empty());
            List<Request> requests;
            try (RemoteExecutor executor = new RemoteExecutor(source, EngineDriver.balanced(source, 2), workers, spares, RESOURCES,
                    WorkerSecurity.NONE, FAST_FAULTS, WAIT)) {
                requests = runTwoAtATime(source, afterBatches(executor, 10, () -> processes.get(1).kill()));
            }
            assertTrue(requests.getFirst().preemptions() > 0, "the 200-token request was recomputed: " + requests.getFirst());
            EngineDriver.assertFinishedWith(expected, requests);
        }
    }

    @ParameterizedTest
    @CsvSource({"2, tp", "2, pp-chunked", "4, tp"})
    void aTensorParallelGroupOfWorkersGeneratesWhatOneLocalStageDoes(int ranks, String policy) {
        try (ModelSource source = Stories260K.open()) {
            List<int[]> expected = EngineDriver.singleStageOutputs(source, PROMPTS);
            List<Request> requests = EngineDriver.requests(source, PROMPTS);
            try (RemoteExecutor group = RemoteExecutor.tensorParallel(source, startWorkers(ranks, Optional.empty()), List.of(), RESOURCES,
                    WorkerSecurity.NONE, FAST_FAULTS, WorkerFailurePolicy.SHUTDOWN)) {
                assertEquals(1, group.maxInFlight(), "one stage");
                EngineDriver.run(source, group, policy, requests);
            }
            EngineDriver.assertFinishedWith(expected, requests);
        }
    }

    @Test
    void aKilledRankOfATensorParallelGroupThatComesBackCostsNoRequest() {
        try (ModelSource source = Stories260K.open()) {
            List<int[]> expected = EngineDriver.singleStageOutputs(source, PROMPTS);
            List<WorkerAddress> workers = startWorkers(2, Optional.empty());
            List<Request> requests = EngineDriver.requests(source, PROMPTS);
            try (RemoteExecutor group = RemoteExecutor.tensorParallel(source, workers, List.of(), RESOURCES, WorkerSecurity.NONE,
                    FAST_FAULTS, WAIT)) {
                EngineDriver.run(source, afterBatches(group, 10, () -> {
                    processes.get(1).kill();
                    processes.add(new WorkerProcess(workers.get(1).port(), WorkerSecurity.NONE, 0));
                }), "tp", requests);
            }
            assertTrue(requests.getFirst().preemptions() > 0, "the 200-token request was recomputed: " + requests.getFirst());
            EngineDriver.assertFinishedWith(expected, requests);
        }
    }

    @Test
    void aSpareTakesTheRankOfATensorParallelWorkerThatDoesNotComeBack() {
        try (ModelSource source = Stories260K.open()) {
            List<int[]> expected = EngineDriver.singleStageOutputs(source, PROMPTS);
            List<WorkerAddress> workers = startWorkers(2, Optional.empty());
            List<WorkerAddress> spares = startWorkers(1, Optional.empty());
            List<Request> requests = EngineDriver.requests(source, PROMPTS);
            try (RemoteExecutor group = RemoteExecutor.tensorParallel(source, workers, spares, RESOURCES, WorkerSecurity.NONE,
                    FAST_FAULTS, WAIT)) {
                EngineDriver.run(source, afterBatches(group, 10, () -> processes.get(1).kill()), "tp", requests);
            }
            assertTrue(requests.getFirst().preemptions() > 0, "the 200-token request was recomputed: " + requests.getFirst());
            EngineDriver.assertFinishedWith(expected, requests);
        }
    }

    @Test
    void spareWorkersNeedAPolicyThatWaits() {
        try (ModelSource source = Stories260K.open()) {
            List<WorkerAddress> workers = startWorkers(2, Optional.empty());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RemoteExecutor(source,
                    EngineDriver.balanced(source, 2), workers, List.of(workers.getFirst()), RESOURCES, WorkerSecurity.NONE, FAST_FAULTS,
                    WorkerFailurePolicy.SHUTDOWN));
            assertTrue(e.getMessage().contains("need a failure policy that waits"), e.getMessage());
        }
    }

    @Test
    void afterAStuckStageTheControllerReconnectsAndRecomputesWhatItHeld() {
        try (ModelSource source = Stories260K.open()) {
            List<int[]> expected = EngineDriver.singleStageOutputs(source, PROMPTS);
            processes.add(new WorkerProcess(Optional.empty()));
            processes.add(new WorkerProcess(0, WorkerSecurity.NONE, 12));
            List<WorkerAddress> workers = processes.stream().map(WorkerProcess::address).toList();
            FaultTimeouts timeouts = FAST_FAULTS.withBatchDeadline(BatchDeadline.fixed(Duration.ofSeconds(2)));
            List<Request> requests;
            try (RemoteExecutor executor = connect(source, workers, Optional.empty(), timeouts, WAIT)) {
                requests = runTwoAtATime(source, executor);
            }
            assertTrue(requests.getFirst().preemptions() > 0, "the 200-token request was recomputed: " + requests.getFirst());
            EngineDriver.assertFinishedWith(expected, requests);
        }
    }

    @Test
    void waitingGivesUpWhenTheWorkersDoNotComeBack() {
        try (ModelSource source = Stories260K.open()) {
            List<WorkerAddress> workers = startWorkers(2, Optional.empty());
            WorkerFailurePolicy briefly = WorkerFailurePolicy.waitFor(Duration.ofMillis(100), Duration.ofMillis(500));
            List<Request> requests;
            try (RemoteExecutor executor = connect(source, workers, Optional.empty(), FAST_FAULTS, briefly)) {
                processes.get(1).kill();
                requests = runTwoAtATime(source, executor);
            }
            for (Request r : requests) {
                assertTrue(r.error().contains("worker " + workers.get(1) + " (stage 1)"), r.externalId() + ": " + r.error());
            }
            for (Request r : requests.subList(2, 4)) {
                assertTrue(r.error().contains("; the workers were not back within 0.5 s (last try: handshake with worker "
                        + workers.get(1) + " (stage 1) failed: UNAVAILABLE"), r.error());
            }
        }
    }

    @Test
    void anUnreachableWorkerFailsTheHandshakeNamingIt() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        WorkerAddress nowhere = new WorkerAddress("127.0.0.1", port);
        try (ModelSource source = Stories260K.open()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> connect(source, List.of(nowhere), Optional.empty(), FAST_FAULTS));
            assertTrue(e.getMessage().contains("handshake with worker " + nowhere + " (stage 0) failed: UNAVAILABLE"),
                    e.getMessage());
        }
    }

    @Test
    void aWorkerWithATokenRejectsCallsWithoutIt() {
        try (ModelSource source = Stories260K.open()) {
            List<WorkerAddress> workers = startWorkers(1, Optional.of(TOKEN));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> connect(source, workers, Optional.empty(), FAST_FAULTS));
            assertTrue(e.getMessage().contains("UNAUTHENTICATED"), e.getMessage());
            assertTrue(e.getMessage().contains("worker " + workers.getFirst()), e.getMessage());
            IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                    () -> connect(source, workers, Optional.of("guess"), FAST_FAULTS));
            assertTrue(wrong.getMessage().contains("wrong token"), wrong.getMessage());
        }
    }

    @Test
    void aWorkerWhoseModelFileDiffersIsRefusedNamingBoth() {
        String path = Stories260K.file("stories260K.gguf").toString();
        try (ModelSource source = Stories260K.open()) {
            WorkerAddress worker = startWorkers(1, Optional.empty()).getFirst();
            ModelIdentity controllers = new ModelIdentity("stories15M.gguf", 60_816_028, "0123456789abcdef",
                    ModelIdentity.of(path, source.config()).version());
            HandshakeRequest handshake = HandshakeRequest.newBuilder().setModelPath(path).setModel(controllers.toProto())
                    .setStage(0).setNumStages(1).setLayerFrom(0).setLayerTo(source.config().numLayers())
                    .setTotalLayers(source.config().numLayers()).setNumBlocks(8).setBlockSize(16).setThreads(1).build();
            try (RemoteStage stage = new RemoteStage("stage 0", worker, WorkerSecurity.NONE)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> stage.handshake(handshake, FAST_FAULTS.handshakeDeadline()));
                assertTrue(e.getMessage().contains("FAILED_PRECONDITION"), e.getMessage());
                assertTrue(e.getMessage().contains("stories15M.gguf (60816028 bytes"), e.getMessage());
                assertTrue(e.getMessage().contains("stories260K.gguf (" + java.nio.file.Path.of(path).toFile().length() + " bytes"),
                        e.getMessage());
            }
        }
    }
}
