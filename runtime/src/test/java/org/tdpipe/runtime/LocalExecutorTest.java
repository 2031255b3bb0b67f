package org.tdpipe.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.core.timeline.Span;
import org.tdpipe.model.ModelSources;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.HiddenStates;
import org.tdpipe.model.step.BatchLayout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalExecutorTest {
    private static final List<String> PROMPTS = List.of("Once upon a time", "Lily and Tom", "The sun", "A big dog ran");
    private static final StageResources RESOURCES = EngineDriver.RESOURCES;

    @ParameterizedTest
    @CsvSource({"1, pp-chunked", "2, pp-chunked", "2, pp-vllm", "3, pp-vllm", "4, td-pipe", "5, pp-vllm", "5, pp-chunked"})
    void greedyOutputsMatchOneStageTokenForToken(int stages, String policy) {
        try (ModelSource source = Stories260K.open()) {
            List<int[]> expected = EngineDriver.singleStageOutputs(source, PROMPTS);
            int[] golden = Stories260K.greedyReference();
            List<Request> requests = EngineDriver.requests(source, PROMPTS);
            try (LocalExecutor executor = LocalExecutor.open(source, EngineDriver.balanced(source, stages), RESOURCES, BatchDeadline.AUTO)) {
                EngineDriver.run(source, executor, policy, requests);
                assertEquals(stages, executor.ranges().size());
                assertSpansCoverEveryStage(executor, stages);
            }
            assertArrayEquals(golden, requests.getFirst().tokens(0, requests.getFirst().numTokens()), "BOS continuation");
            EngineDriver.assertFinishedWith(expected, requests);
        }
    }

    @Test
    void seededOutputsAndTheirLogprobsMatchOneStageWhateverTheSplit() {
        try (ModelSource source = Stories260K.open()) {
            List<List<SampledToken>> expected = EngineDriver.singleStageSeededOutputs(source, PROMPTS);
            assertEquals(32, expected.getFirst().size());
            for (int stages = 2; stages <= 5; stages++) {
                try (LocalExecutor executor = LocalExecutor.open(source, EngineDriver.balanced(source, stages), RESOURCES, BatchDeadline.AUTO)) {
                    EngineDriver.assertSameSamples(expected, EngineDriver.seededOutputs(source, executor, PROMPTS), stages + " stages");
                }
            }
        }
    }

    private static void assertSpansCoverEveryStage(LocalExecutor executor, int stages) {
        List<Span> spans = executor.timeline().spans();
        for (int s = 0; s < stages; s++) {
            int stage = s;
            List<Long> batches = spans.stream().filter(span -> span.stage() == stage).map(Span::batchId).toList();
            assertEquals(spans.stream().filter(span -> span.stage() == 0).map(Span::batchId).toList(), batches,
                    "stage " + s + " runs every batch, in launch order");
        }
    }

    @Test
    void aBatchFailingInAStageEndsItsRequestsWithTheErrorAndTheOthersFinish() {
        try (ModelSource source = Stories260K.open()) {
            List<int[]> expected = EngineDriver.singleStageOutputs(source, PROMPTS);
            List<Request> requests = EngineDriver.requests(source, PROMPTS);
            // stage 1 throws when request p1 feeds its 6th output position
            List<StageComputation> stages = new ArrayList<>(LlamaStageComputation.loadAll(source, EngineDriver.balanced(source, 3), RESOURCES, 1));
            stages.set(1, new Faulty(stages.get(1), feeds("p1", requests.get(2).promptLength() + 5),
                    () -> new IllegalArgumentException("injected fault")));
            try (LocalExecutor executor = new LocalExecutor(stages, BatchDeadline.AUTO)) {
                EngineDriver.run(source, executor, "pp-vllm", requests);
            }
            Request poisoned = requests.get(2);
            assertEquals(FinishReason.ERROR, poisoned.finishReason());
            assertEquals("stage 1 (layers 2..3): injected fault", poisoned.error());
            int completed = 0;
            for (int i = 0; i < requests.size(); i++) {
                Request r = requests.get(i);
                assertTrue(r.isFinished());
                if (r.error() == null) {
                    assertArrayEquals(expected.get(i), r.outputTokens(), r.externalId());
                    completed++;
                } else {
                    assertEquals(poisoned.error(), r.error(), r.externalId() + " failed in another batch");
                }
            }
            assertTrue(completed >= 2, "requests batched apart from p1 complete: " + completed);
        }
    }

    @Test
    void aDeadWorkerFailsEveryRequestAndNothingHangs() {
        try (ModelSource source = Stories260K.open()) {
            List<Request> requests = EngineDriver.requests(source, PROMPTS);
            List<StageComputation> stages = new ArrayList<>(LlamaStageComputation.loadAll(source, EngineDriver.balanced(source, 2), RESOURCES, 1));
            stages.set(1, new Faulty(stages.get(1), feeds("bos", 10), () -> new AssertionError("worker crashed")));
            try (LocalExecutor executor = new LocalExecutor(stages, BatchDeadline.AUTO)) {
                EngineDriver.run(source, executor, "pp-vllm", requests);
            }
            for (Request r : requests) {
                assertTrue(r.isFinished(), r.externalId());
            }
            Request bos = requests.getFirst();
            assertEquals(FinishReason.ERROR, bos.finishReason());
            assertEquals("stage 1 stopped: worker crashed", bos.error());
        }
    }

    @Test
    void aStuckStageFailsItsBatchAtTheDeadlineNamingStageAndBatchAndNothingHangs() {
        try (ModelSource source = Stories260K.open()) {
            List<Request> requests = EngineDriver.requests(source, PROMPTS);
            List<StageComputation> stages = new ArrayList<>(LlamaStageComputation.loadAll(source, EngineDriver.balanced(source, 3), RESOURCES, 1));
            StuckStage stuck = new StuckStage(stages.get(1), feeds("bos", 10));
            stages.set(1, stuck);
            List<Long> stuckBatch = new ArrayList<>();
            try (LocalExecutor executor = new LocalExecutor(stages, BatchDeadline.fixed(Duration.ofSeconds(2)))) {
                EngineDriver.run(source, executor, "pp-vllm", requests);
                executor.timeline().spans().stream().filter(span -> span.stage() == 0).map(Span::batchId)
                        .filter(id -> executor.timeline().spans().stream().noneMatch(x -> x.stage() == 1 && x.batchId() == id))
                        .findFirst().ifPresent(stuckBatch::add);
                stuck.release();
            }
            for (Request r : requests) {
                assertTrue(r.isFinished(), r.externalId());
            }
            Request bos = requests.getFirst();
            assertEquals(FinishReason.ERROR, bos.finishReason());
            assertEquals(1, stuckBatch.size(), "stage 0 ran the batch that stage 1 never finished");
            assertTrue(bos.error().startsWith("batch " + stuckBatch.getFirst() + " (DECODE, "), bos.error());
            assertTrue(bos.error().endsWith(" did not complete within 2.0 s: stage 1 (layers "
                    + stages.get(1).range().from() + ".." + (stages.get(1).range().to() - 1) + ") has not finished it"),
                    bos.error());
        }
    }

    @ParameterizedTest
    @CsvSource({"2, 1", "3, 2"})
    void aDummyModelGivesTheSameTokensOnAnyPipeline(int stages, int threadsPerStage) {
        try (ModelSource source = ModelSources.open("dummy:llama-260k")) {
            List<int[]> expected = EngineDriver.singleStageOutputs(source, PROMPTS);
            List<Request> requests = EngineDriver.requests(source, PROMPTS);
            StageResources resources = new StageResources(EngineDriver.BLOCKS, EngineDriver.BLOCK_SIZE, threadsPerStage, 0);
            try (LocalExecutor executor = LocalExecutor.open(source, EngineDriver.balanced(source, stages), resources, BatchDeadline.AUTO)) {
                EngineDriver.run(source, executor, "pp-vllm", requests);
            }
            for (int i = 0; i < requests.size(); i++) {
                assertArrayEquals(expected.get(i), requests.get(i).outputTokens(), requests.get(i).externalId());
            }
        }
    }

    @Test
    void closingWithBatchesInFlightStopsTheStageThreads() {
        try (ModelSource source = ModelSources.open("dummy:llama-260k")) {
            StageResources resources = new StageResources(EngineDriver.BLOCKS, EngineDriver.BLOCK_SIZE, 2, 0);
            LocalExecutor executor = LocalExecutor.open(source, EngineDriver.balanced(source, 3), resources, BatchDeadline.AUTO);
            assertEquals(3, stageThreadsAlive());
            BlockManager blocks = new BlockManager(EngineDriver.BLOCKS, EngineDriver.BLOCK_SIZE, 0);
            for (int b = 0; b < 3; b++) {
                int[] prompt = new int[200];
                Arrays.fill(prompt, 1);
                Request r = new Request(b, "r" + b, prompt, SamplingParams.greedy(1), 0);
                blocks.ensureCapacity(r, prompt.length);
                executor.submit(new StepBatch(b, Phase.PREFILL, List.of(new ScheduledSeq(r, 0, prompt.length, true)), 0));
            }
            assertFalse(executor.hasFreeSlot());
            executor.close();
            assertEquals(0, stageThreadsAlive());
        }
    }

    @Test
    void withNothingInFlightNextWaitsUntilTheDeadline() {
        try (ModelSource source = ModelSources.open("dummy:llama-260k");
                LocalExecutor executor = LocalExecutor.open(source, EngineDriver.balanced(source, 2), RESOURCES, BatchDeadline.AUTO)) {
            long deadline = executor.clock().nanos() + 2_000_000;
            assertTrue(executor.next(deadline).isEmpty());
            assertTrue(executor.clock().nanos() >= deadline);
            assertThrows(IllegalStateException.class, () -> executor.next(Long.MAX_VALUE));
        }
    }

    private static long stageThreadsAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("tdpipe-stage-") && t.isAlive()).count();
    }

    /** Batches where {@code request} feeds the token at {@code position}. */
    private static Predicate<BatchLayout> feeds(String request, int position) {
        return layout -> IntStream.range(0, layout.numTokens()).anyMatch(row -> layout.position(row) == position
                && layout.externalId(layout.seqOfRow(row)).equals(request));
    }

    /** A stage that throws on the batches a predicate picks and otherwise computes as {@code real}. */
    private static final class Faulty extends ForwardingStage {
        private final Predicate<BatchLayout> fails;
        private final Supplier<Throwable> fault;

        Faulty(StageComputation real, Predicate<BatchLayout> fails, Supplier<Throwable> fault) {
            super(real);
            this.fails = fails;
            this.fault = fault;
        }

        @Override
        public HiddenStates forward(BatchLayout layout, HiddenStates input) {
            if (fails.test(layout)) {
                Throwable t = fault.get();
                if (t instanceof Error e) {
                    throw e;
                }
                throw (RuntimeException) t;
            }
            return super.forward(layout, input);
        }
    }
}
