package org.tdpipe.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tdpipe.core.exec.Clock;
import org.tdpipe.core.exec.ForwardingPipelineExecutor;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.StepResult;
import org.tdpipe.core.predict.OraclePredictor;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.RequestStatus;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.core.sched.Policies;
import org.tdpipe.core.sched.PolicyContext;
import org.tdpipe.core.sched.tdpipe.TdPipeSmokeTest;
import org.tdpipe.core.testing.FakePipelineExecutor;
import org.tdpipe.core.timeline.Timeline;

class EngineTest {
    private static final int MAX_LEN = 4096;

    private static Engine engine(PipelineExecutor executor, String policy, EngineListener listener) {
        PolicyContext ctx = new PolicyContext(executor.numStages(), 200, 16, MAX_LEN, TdPipeSmokeTest.linearProfile(),
                new OraclePredictor());
        return new Engine(executor, Policies.create(policy, ctx), new OraclePredictor(), new StopChecker(2, MAX_LEN), listener);
    }

    private static Request request(long id, long arrivalNanos, SamplingParams sampling) {
        return new Request(id, "r" + id, new int[] {1, 2, 3, (int) id}, sampling, arrivalNanos);
    }

    @Test
    void requestsEnterAtTheirArrivalTimesAndTheRunEndsAtTheLastFinish() {
        List<Request> requests = List.of(request(0, 0, SamplingParams.fixedLength(5)),
                request(1, 1_000_000_000L, SamplingParams.fixedLength(5)));
        RunResult result = engine(new FakePipelineExecutor(2, 1_000_000, 0), "td-pipe", EngineListener.NONE).run(requests);
        Request late = result.requests().get(1);
        assertTrue(late.firstScheduledNanos() >= 1_000_000_000L, "scheduled before it arrived: " + late.firstScheduledNanos());
        assertEquals(late.finishNanos(), result.elapsedNanos());
        assertEquals(10, result.outputTokens());
    }

    @Test
    void eosStopsARequestUnlessItIgnoresEos() {
        List<Integer> stopOnThree = new ArrayList<>();
        SamplingParams stopAt = new SamplingParams(50, 0, 1, -1, 0, null, 1, 0, 0, false, List.of(), List.of(), 0);
        EngineListener listener = new EngineListener() {
            @Override
            public boolean onToken(Request request, SampledToken token) {
                stopOnThree.add(token.token());
                return request.numOutputTokens() < 3; // a front-end's stop string matched at the third token
            }
        };
        RunResult result = engine(new FakePipelineExecutor(1, 1000, 0), "pp-chunked", listener)
                .run(List.of(request(0, 0, stopAt)));
        Request r = result.requests().get(0);
        assertEquals(FinishReason.STOP, r.finishReason());
        assertEquals(3, r.numOutputTokens());
        assertEquals(3, stopOnThree.size());
    }

    @Test
    void aFailedBatchFailsItsRequestsAndTheOthersFinish() {
        FakePipelineExecutor fake = new FakePipelineExecutor(2, 1000, 0);
        PipelineExecutor failing = new PipelineExecutor() {
            private long failedBatch = -1;

            @Override
            public int numStages() {
                return fake.numStages();
            }

            @Override
            public int maxInFlight() {
                return fake.maxInFlight();
            }

            @Override
            public int inFlight() {
                return fake.inFlight();
            }

            @Override
            public void submit(StepBatch batch) {
                if (failedBatch < 0 && batch.seqs().stream().anyMatch(s -> s.request().id() == 1)) {
                    failedBatch = batch.id();
                }
                fake.submit(batch);
            }

            @Override
            public Optional<StepResult> next(long deadlineNanos) {
                return fake.next(deadlineNanos).map(r -> r.batch().id() == failedBatch
                        ? StepResult.failed(r.batch(), "stage 1 died") : r);
            }

            @Override
            public Clock clock() {
                return fake.clock();
            }

            @Override
            public Timeline timeline() {
                return fake.timeline();
            }
        };
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            requests.add(request(i, i * 10_000_000L, SamplingParams.fixedLength(4)));
        }
        RunResult result = engine(failing, "pp-vllm", EngineListener.NONE).run(requests);
        Request failed = result.requests().get(1);
        assertEquals(FinishReason.ERROR, failed.finishReason());
        assertEquals("stage 1 died", failed.error());
        for (Request r : result.requests()) {
            if (r.finishReason() != FinishReason.ERROR) {
                assertEquals(4, r.numOutputTokens(), r.toString());
                assertNull(r.error());
            }
        }
        assertEquals(0, result.schedulerStats().usedBlocks(), "the failed requests' blocks were freed");
    }

    /** The phase policies keep prefilled requests waiting between steps (the vLLM ones relaunch them at once). */
    @ParameterizedTest
    @ValueSource(strings = {"td-pipe", "td-pipe-adaptive"})
    void requestsWhoseStateWasLostWithAFailedBatchFailAtOnceAndShareNoLaterBatch(String policy) {
        // the first time a request waits between steps, the pipeline breaks for good
        BreakingPipeline breaking = new BreakingPipeline(false,
                launched -> launched.stream().anyMatch(q -> q.status() == RequestStatus.READY));
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            // prompts of 300 tokens: prefills come in several batches, so some requests wait between steps
            requests.add(new Request(i, "r" + i, new int[300], SamplingParams.fixedLength(10), i < 16 ? 0 : 1_000_000_000L));
        }
        RunResult result = engine(breaking, policy, EngineListener.NONE).run(requests);
        Set<Request> lost = breaking.lost;
        assertTrue(lost.stream().anyMatch(r -> r.firstTokenNanos() >= 0), "the pipeline broke with requests between steps");
        for (Request r : result.requests()) {
            if (lost.contains(r)) {
                assertEquals(FinishReason.ERROR, r.finishReason(), r.toString());
                assertEquals("stage 1 died", r.error());
            } else {
                assertNull(r.error(), r.toString());
                assertEquals(10, r.numOutputTokens(), r.toString());
            }
        }
        for (StepBatch b : breaking.afterBreak) {
            assertTrue(b.seqs().stream().noneMatch(s -> lost.contains(s.request())),
                    "batch " + b.id() + " launched after the failure holds a lost request");
        }
        assertEquals(0, result.schedulerStats().usedBlocks(), "every block freed");
    }
    /**
     * The pipeline breaks once with requests in flight and between steps, and comes back empty: every
     * request whose KV cache it held is recomputed from its tokens and ends as in a fault-free run.
     */
    @ParameterizedTest
    @ValueSource(strings = {"td-pipe", "td-pipe-adaptive", "pp-vllm", "pp-chunked", "tp"})
    void aPipelineThatComesBackEmptyCostsNoRequest(String policy) {
        List<Request> faultFree = lostPipelineWorkload();
        engine(new FakePipelineExecutor(2, 1000, 0), policy, EngineListener.NONE).run(faultFree);
        BreakingPipeline breaking = new BreakingPipeline(true, new Predicate<>() {
            private int completed;

            @Override
            public boolean test(Set<Request> launched) {
                return ++completed == 12;
            }
        });
        List<Request> requests = lostPipelineWorkload();
        RunResult result = engine(breaking, policy, EngineListener.NONE).run(requests);
        Set<Request> lost = breaking.lost;
        assertTrue(lost.stream().anyMatch(r -> r.firstTokenNanos() >= 0), "the pipeline broke with requests mid-generation");
        for (int i = 0; i < requests.size(); i++) {
            Request r = result.requests().get(i);
            assertNull(r.error(), r.toString());
            assertEquals(FinishReason.LENGTH, r.finishReason(), r.toString());
            assertArrayEquals(faultFree.get(i).outputTokens(), r.outputTokens(), r.toString());
        }
        Set<Request> restarted = new HashSet<>();
        for (StepBatch b : breaking.afterBreak) {
            for (var seq : b.seqs()) {
                if (lost.contains(seq.request()) && restarted.add(seq.request())) {
                    assertEquals(0, seq.start(), "batch " + b.id() + " continues " + seq.request() + " without its KV cache");
                }
            }
        }
        assertEquals(lost, restarted, "every lost request was recomputed");
        assertTrue(result.schedulerStats().preemptions() >= lost.size(), result.schedulerStats().toString());
        assertEquals(0, result.schedulerStats().usedBlocks(), "every block freed");
    }

    private static List<Request> lostPipelineWorkload() {
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            int[] prompt = new int[300];
            prompt[0] = i;
            requests.add(new Request(i, "r" + i, prompt, SamplingParams.fixedLength(10), i < 16 ? 0 : 1_000_000L * i));
        }
        return requests;
    }

    /**
     * A 2-stage fake pipeline that breaks once, after the first completion at which {@code breaksNow}
     * holds of the requests launched so far, and comes back empty: the batches in flight fail too
     * ({@code recoverable}: lost, to be recomputed), and every unfinished request launched so far
     * lost its KV cache.
     */
    private static final class BreakingPipeline extends ForwardingPipelineExecutor {
        private final boolean recoverable;
        private final Predicate<Set<Request>> breaksNow;
        private final Set<Request> launched = new HashSet<>();
        private final Set<Long> inFlight = new HashSet<>();
        private final Set<Long> doomed = new HashSet<>();
        final Set<Request> lost = new HashSet<>();
        final List<StepBatch> afterBreak = new ArrayList<>();

        BreakingPipeline(boolean recoverable, Predicate<Set<Request>> breaksNow) {
            super(new FakePipelineExecutor(2, 1000, 0));
            this.recoverable = recoverable;
            this.breaksNow = breaksNow;
        }

        @Override
        public void submit(StepBatch batch) {
            if (!lost.isEmpty()) {
                afterBreak.add(batch);
            }
            batch.seqs().forEach(s -> launched.add(s.request()));
            inFlight.add(batch.id());
            super.submit(batch);
        }

        @Override
        public Optional<StepResult> next(long deadlineNanos) {
            return super.next(deadlineNanos).map(r -> {
                inFlight.remove(r.batch().id());
                if (doomed.remove(r.batch().id())) {
                    return broken(r.batch(), List.of());
                }
                if (!lost.isEmpty() || !breaksNow.test(launched)) {
                    return r;
                }
                doomed.addAll(inFlight);
                launched.stream().filter(q -> !q.isFinished()).forEach(lost::add);
                return broken(r.batch(), List.copyOf(launched));
            });
        }

        private StepResult broken(StepBatch batch, List<Request> lostWithIt) {
            return recoverable ? StepResult.lost(batch, "stage 1 died", lostWithIt)
                    : StepResult.failed(batch, "stage 1 died", lostWithIt);
        }
    }
}
