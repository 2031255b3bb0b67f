package org.tdpipe.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.request.Request;
import org.tdpipe.model.format.ModelSource;

/** Stages split over tensor-parallel ranks in this process, against one unsplit stage. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TensorParallelTest {
    private static final List<String> PROMPTS = List.of("Once upon a time", "Lily and Tom", "The sun", "A big dog ran");
    private static final StageResources RESOURCES = EngineDriver.RESOURCES;

    @ParameterizedTest
    @CsvSource({"2, 1, tp", "4, 1, tp", "2, 1, pp-chunked", "2, 2, pp-vllm"})
    void greedyOutputsMatchOneUnsplitStageTokenForToken(int ranks, int stages, String policy) {
        try (ModelSource source = Stories260K.open()) {
            List<int[]> expected = EngineDriver.singleStageOutputs(source, PROMPTS);
            List<Request> requests = EngineDriver.requests(source, PROMPTS);
            try (LocalExecutor executor = LocalExecutor.open(source, EngineDriver.balanced(source, stages), RESOURCES, ranks,
                    BatchDeadline.AUTO)) {
                EngineDriver.run(source, executor, policy, requests);
            }
            assertArrayEquals(Stories260K.greedyReference(), requests.getFirst().tokens(0, requests.getFirst().numTokens()),
                    "BOS continuation");
            EngineDriver.assertFinishedWith(expected, requests);
        }
    }

    @Test
    void seededSamplesAndTheirLogprobsMatchOneUnsplitStage() {
        try (ModelSource source = Stories260K.open()) {
            List<List<SampledToken>> expected = EngineDriver.singleStageSeededOutputs(source, PROMPTS);
            try (LocalExecutor split = LocalExecutor.open(source, EngineDriver.balanced(source, 1), RESOURCES, 2, BatchDeadline.AUTO)) {
                // the row-parallel sums add the ranks' partials, not one run over every column: the last bits differ
                EngineDriver.assertSameSamples(expected, EngineDriver.seededOutputs(source, split, PROMPTS), 1e-4, "2 ranks");
            }
        }
    }

    @Test
    void ranksThatDoNotDivideTheHeadsAreRefused() {
        try (ModelSource source = Stories260K.open()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LlamaStageComputation.load(source, EngineDriver.balanced(source, 1).getFirst(), RESOURCES, 3));
            assertEquals("3 tensor-parallel ranks do not divide the model's " + source.config().numHeads()
                    + " attention heads, " + source.config().numKvHeads() + " KV heads and " + source.config().hiddenDim()
                    + " FFN columns evenly", e.getMessage());
        }
    }
}
