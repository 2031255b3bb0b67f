package org.tdpipe.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.predict.OraclePredictor;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.core.sched.Policies;
import org.tdpipe.core.sched.PolicyContext;
import org.tdpipe.core.sched.SchedulerStats;
import org.tdpipe.core.sched.tdpipe.TdPipeSmokeTest;
import org.tdpipe.core.testing.FakePipelineExecutor;

class OnlineEngineTest {
    private static final int MAX_LEN = 4096;
    private static final Duration LONG = Duration.ofHours(1);

    private OnlineEngine engine;

    /** Records one request's tokens and its single finish. */
    private static class Recorder implements EngineListener {
        final List<Integer> tokens = new ArrayList<>();
        final CountDownLatch finished = new CountDownLatch(1);
        final AtomicInteger finishes = new AtomicInteger();

        @Override
        public boolean onToken(Request request, SampledToken token) {
            tokens.add(token.token());
            return true;
        }

        @Override
        public void onFinished(Request request) {
            finishes.incrementAndGet();
            finished.countDown();
        }

        void await() throws InterruptedException {
            assertTrue(finished.await(10, TimeUnit.SECONDS), "request never finished");
        }
    }

    private static OnlineEngine start(PipelineExecutor executor, String policy, EngineListener engineWide,
            StepObserver onStep) {
        PolicyContext ctx = new PolicyContext(executor.numStages(), 200, 16, MAX_LEN, TdPipeSmokeTest.linearProfile(),
                new OraclePredictor());
        return OnlineEngine.start(executor, Policies.create(policy, ctx), new OraclePredictor(), new StopChecker(2, MAX_LEN),
                engineWide, onStep);
    }

    private OnlineEngine start(PipelineExecutor executor, String policy) {
        engine = start(executor, policy, EngineListener.NONE, StepObserver.NONE);
        return engine;
    }

    private static int[] prompt(int i) {
        return new int[] {1, 2, 3, i};
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > giveUp) {
                throw new AssertionError("never: " + what);
            }
            Thread.sleep(1);
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (engine != null) {
            assertTrue(engine.shutdown(Duration.ZERO, Duration.ofSeconds(10)), "the loop did not end");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pp-chunked", "pp-vllm", "td-pipe", "td-pipe-adaptive"})
    void requestsSubmittedFromManyThreadsGetTheSameTokensAsAnOfflineRun(String policy) throws Exception {
        start(new FakePipelineExecutor(2, 1000, 10), policy);
        int threads = 8;
        int perThread = 5;
        Map<Integer, Recorder> recorders = new ConcurrentHashMap<>();
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t * perThread;
            submitters.add(Thread.ofPlatform().start(() -> {
                for (int i = first; i < first + perThread; i++) {
                    Recorder rec = new Recorder();
                    recorders.put(i, rec);
                    engine.submit(engine.newRequest("r" + i, prompt(i), SamplingParams.fixedLength(3 + i % 7)), rec);
                }
            }));
        }
        for (Thread t : submitters) {
            t.join();
        }
        List<Request> offline = new ArrayList<>();
        for (int i = 0; i < threads * perThread; i++) {
            offline.add(new Request(i, "r" + i, prompt(i), SamplingParams.fixedLength(3 + i % 7), 0));
        }
        PolicyContext ctx = new PolicyContext(2, 200, 16, MAX_LEN, TdPipeSmokeTest.linearProfile(), new OraclePredictor());
        new Engine(new FakePipelineExecutor(2, 1000, 10), Policies.create(policy, ctx), new OraclePredictor(),
                new StopChecker(2, MAX_LEN), EngineListener.NONE).run(offline);
        for (int i = 0; i < offline.size(); i++) {
            Recorder rec = recorders.get(i);
            rec.await();
            assertArrayEquals(offline.get(i).outputTokens(), rec.tokens.stream().mapToInt(Integer::intValue).toArray(), "r" + i);
            assertEquals(1, rec.finishes.get());
        }
        await(() -> engine.numUnfinished() == 0 && engine.stats().usedBlocks() == 0, "every block freed");
        assertEquals(0, engine.numWaiting());
    }

    @ParameterizedTest
    @ValueSource(strings = {"pp-chunked", "pp-vllm", "td-pipe", "td-pipe-adaptive"})
    void abortingAWaitingRequestRemovesItBeforeItRuns(String policy) throws Exception {
        PausingExecutor executor = new PausingExecutor(new FakePipelineExecutor(2, 1000, 10));
        start(executor, policy);
        executor.pauseNextWait();
        Recorder first = new Recorder();
        engine.submit(engine.newRequest("first", prompt(1), SamplingParams.fixedLength(20)), first);
        executor.awaitPaused();
        Request waiting = engine.newRequest("waiting", prompt(2), SamplingParams.fixedLength(20));
        Recorder rec = new Recorder();
        engine.submit(waiting, rec);
        engine.abort(waiting.id());
        executor.resume();
        rec.await();
        assertEquals(FinishReason.ABORT, waiting.finishReason());
        assertEquals(-1, waiting.firstScheduledNanos(), "it never ran");
        assertTrue(rec.tokens.isEmpty());
        first.await();
        assertEquals(20, first.tokens.size(), "the other request is unaffected");
        await(() -> engine.stats().usedBlocks() == 0, "every block freed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pp-chunked", "pp-vllm", "td-pipe", "td-pipe-adaptive"})
    void abortingARunningRequestFinishesItWhenItsBatchReturns(String policy) throws Exception {
        PausingExecutor executor = new PausingExecutor(new FakePipelineExecutor(2, 1000, 10));
        start(executor, policy);
        executor.pauseNextWait();
        Request running = engine.newRequest("running", prompt(1), SamplingParams.fixedLength(20));
        Recorder rec = new Recorder();
        engine.submit(running, rec);
        executor.awaitPaused(); // its prefill batch is in flight
        engine.abort(running.id());
        executor.resume();
        rec.await();
        assertEquals(FinishReason.ABORT, running.finishReason());
        assertTrue(running.firstScheduledNanos() >= 0);
        assertTrue(rec.tokens.isEmpty(), "the returning batch's token is dropped: " + rec.tokens);
        assertEquals(1, rec.finishes.get());
        await(() -> engine.stats().usedBlocks() == 0, "its blocks freed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"pp-chunked", "pp-vllm", "td-pipe", "td-pipe-adaptive"})
    void abortingAReadyRequestFinishesItAtOnce(String policy) throws Exception {
        PausingExecutor executor = new PausingExecutor(new FakePipelineExecutor(2, 1000, 10));
        start(executor, policy);
        Recorder rec = new Recorder() {
            @Override
            public boolean onToken(Request request, SampledToken token) {
                if (tokens.size() == 2) {
                    engine.abort(request.id()); // handled before the request is launched again
                }
                return super.onToken(request, token);
            }
        };
        Request ready = engine.newRequest("ready", prompt(1), SamplingParams.fixedLength(50));
        Recorder other = new Recorder();
        engine.submit(ready, rec);
        engine.submit(engine.newRequest("other", prompt(2), SamplingParams.fixedLength(10)), other);
        rec.await();
        assertEquals(FinishReason.ABORT, ready.finishReason());
        assertEquals(3, rec.tokens.size());
        other.await();
        assertEquals(10, other.tokens.size());
        await(() -> engine.stats().usedBlocks() == 0, "its blocks freed");
    }

    @Test
    void abortingAnUnknownOrFinishedRequestIsIgnored() throws Exception {
        start(new FakePipelineExecutor(1, 1000, 10), "pp-chunked");
        Request r = engine.newRequest("r", prompt(1), SamplingParams.fixedLength(3));
        Recorder rec = new Recorder();
        engine.submit(r, rec);
        rec.await();
        engine.abort(r.id());
        engine.abort(12345);
        Recorder next = new Recorder();
        engine.submit(engine.newRequest("next", prompt(2), SamplingParams.fixedLength(3)), next);
        next.await();
        assertEquals(FinishReason.LENGTH, r.finishReason());
        assertEquals(1, rec.finishes.get());
    }

    @Test
    void theEngineWideListenerAndTheStepStatsSeeEveryRequest() throws Exception {
        AtomicInteger tokens = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger steps = new AtomicInteger();
        EngineListener metrics = new EngineListener() {
            @Override
            public boolean onToken(Request request, SampledToken token) {
                tokens.incrementAndGet();
                return true;
            }

            @Override
            public void onFinished(Request request) {
                finished.incrementAndGet();
            }
        };
        AtomicInteger launches = new AtomicInteger();
        engine = start(new FakePipelineExecutor(2, 1000, 10), "td-pipe-adaptive", metrics, new StepObserver() {
            @Override
            public void onLaunch(StepBatch batch) {
                launches.incrementAndGet();
            }

            @Override
            public void onSchedulerStats(SchedulerStats stats) {
                steps.incrementAndGet();
            }
        });
        List<Recorder> recs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Recorder rec = new Recorder();
            recs.add(rec);
            engine.submit(engine.newRequest("r" + i, prompt(i), SamplingParams.fixedLength(5)), rec);
        }
        for (Recorder rec : recs) {
            rec.await();
        }
        assertEquals(20, tokens.get());
        assertEquals(4, finished.get());
        // each request needs at least 5 batches; the callback runs on the loop thread after the batch's listeners
        await(() -> steps.get() >= 5, "a stats callback per completed batch");
        assertTrue(launches.get() >= 5, "every launched batch is seen: " + launches.get());
    }

    @Test
    void shutdownLetsWorkInFlightFinishWithinTheTimeoutAndRefusesNewRequests() throws Exception {
        OnlineEngine e = start(new FakePipelineExecutor(2, 1000, 10), "pp-chunked", EngineListener.NONE, StepObserver.NONE);
        List<Request> requests = new ArrayList<>();
        List<Recorder> recs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Request r = e.newRequest("r" + i, prompt(i), SamplingParams.fixedLength(30));
            Recorder rec = new Recorder();
            requests.add(r);
            recs.add(rec);
            e.submit(r, rec);
        }
        assertTrue(e.shutdown(LONG, Duration.ZERO.plusSeconds(10)));
        assertThrows(RejectedExecutionException.class,
                () -> e.submit(e.newRequest("late", prompt(9), SamplingParams.fixedLength(3)), new Recorder()));
        for (int i = 0; i < requests.size(); i++) {
            assertEquals(FinishReason.LENGTH, requests.get(i).finishReason());
            assertEquals(30, recs.get(i).tokens.size());
        }
        assertEquals(0, e.stats().usedBlocks());
    }

    @Test
    void shutdownAbortsWhatIsLeftAtTheTimeout() throws Exception {
        OnlineEngine e = start(new FakePipelineExecutor(2, 1000, 10), "pp-chunked", EngineListener.NONE, StepObserver.NONE);
        List<Request> requests = new ArrayList<>();
        List<Recorder> recs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Request r = e.newRequest("r" + i, prompt(i), SamplingParams.fixedLength(3000));
            Recorder rec = new Recorder();
            requests.add(r);
            recs.add(rec);
            e.submit(r, rec);
        }
        assertTrue(e.shutdown(Duration.ZERO, Duration.ofSeconds(10)));
        for (int i = 0; i < requests.size(); i++) {
            assertEquals(FinishReason.ABORT, requests.get(i).finishReason());
            assertEquals(1, recs.get(i).finishes.get());
        }
        assertEquals(0, e.stats().usedBlocks());
        assertEquals(0, e.numUnfinished());
    }

    @Test
    void aPreemptedRequestCountsAsWaitingAgain() throws Exception {
        PausingExecutor executor = new PausingExecutor(new FakePipelineExecutor(2, 1000, 10));
        // 6 blocks of 16 tokens: of three requests that grow to 44 tokens, one waits for the others
        PolicyContext ctx = new PolicyContext(2, 6, 16, MAX_LEN, TdPipeSmokeTest.linearProfile(), new OraclePredictor());
        List<int[]> waitingSeen = new ArrayList<>();
        OnlineEngine[] self = new OnlineEngine[1];
        engine = OnlineEngine.start(executor, Policies.create("pp-chunked", ctx), new OraclePredictor(),
                new StopChecker(2, MAX_LEN), EngineListener.NONE, new StepObserver() {
                    @Override
                    public void onSchedulerStats(SchedulerStats stats) {
                        if (stats.preemptions() > 0) {
                            waitingSeen.add(new int[] {stats.waiting(), self[0].numWaiting()});
                        }
                    }
                });
        self[0] = engine;
        executor.pauseNextWait();
        List<Recorder> recs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Recorder rec = new Recorder();
            recs.add(rec);
            engine.submit(engine.newRequest("r" + i, prompt(i), SamplingParams.fixedLength(40)), rec);
            if (i == 0) {
                executor.awaitPaused(); // the others arrive while the first one's prefill is in flight
            }
        }
        executor.resume();
        for (Recorder rec : recs) {
            rec.await();
        }
        assertTrue(engine.stats().preemptions() > 0, "the KV cache is too small for all three");
        assertTrue(waitingSeen.stream().anyMatch(w -> w[0] == 1 && w[1] == 1),
                "a step where the preempted request waits and is counted: " + waitingSeen.stream()
                        .map(java.util.Arrays::toString).toList());
        assertEquals(0, engine.numWaiting());
    }

    @Test
    void aLoopThatFailsFinishesEveryRequestWithTheErrorAndRefusesNewOnes() throws Exception {
        FakePipelineExecutor fake = new FakePipelineExecutor(1, 1000, 10);
        PipelineExecutor broken = new PausingExecutor(fake) {
            @Override
            public void submit(StepBatch batch) {
                throw new IllegalStateException("stage 0 is gone");
            }
        };
        start(broken, "pp-chunked");
        Request r = engine.newRequest("r", prompt(1), SamplingParams.fixedLength(3));
        Recorder rec = new Recorder();
        engine.submit(r, rec);
        rec.await();
        assertEquals(FinishReason.ERROR, r.finishReason());
        assertTrue(r.error().contains("stage 0 is gone"), r.error());
        assertTrue(engine.failure().isPresent());
        assertThrows(RejectedExecutionException.class,
                () -> engine.submit(engine.newRequest("late", prompt(2), SamplingParams.fixedLength(3)), new Recorder()));
    }
}
