package org.tdpipe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.model.ModelSources;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.HiddenStates;
import org.tdpipe.model.llama.LayerRange;
import org.tdpipe.model.step.BatchLayout;
import org.tdpipe.model.step.SequenceStep;
import org.tdpipe.model.step.StepInput;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ModelBenchTest {
    /** What the stage was fed, step by step, and what it sampled. */
    private static final class RecordingStage extends ForwardingStage {
        final List<SequenceStep> fed = new CopyOnWriteArrayList<>();
        final List<Integer> sampled = new CopyOnWriteArrayList<>();

        RecordingStage(StageComputation real) {
            super(real);
        }

        @Override
        public BatchLayout prepare(StepInput step) {
            assertEquals(1, step.seqs().size(), "one sequence per step");
            fed.add(step.seqs().getFirst());
            return super.prepare(step);
        }

        @Override
        public LastStageOutput sample(BatchLayout layout, HiddenStates hidden) {
            LastStageOutput out = super.sample(layout, hidden);
            out.sampled().forEach(t -> sampled.add(t.token()));
            return out;
        }
    }

    @Test
    void aPromptTestFeedsItsTokensInOnePassAndAGenerationTestOneTokenAPositionFromZero() {
        try (ModelSource source = ModelSources.open("dummy:llama-260k")) {
            int layers = source.config().numLayers();
            StageResources resources = new StageResources(2, 16, 1, 0);
            RecordingStage stage = new RecordingStage(LlamaStageComputation.load(source, LayerRange.all(layers), resources));
            try (LocalExecutor executor = new LocalExecutor(List.of(stage), BatchDeadline.AUTO)) {
                ModelBench bench = new ModelBench(executor, new BlockManager(2, 16, 0), source.config().vocabSize(), 2);

                ModelBench.Timing pp = bench.measure(ModelBench.Test.prompt(16));
                assertEquals(2, pp.nanos().size());
                assertEquals(3, stage.fed.size(), "a warm-up and two timed runs");
                for (SequenceStep s : stage.fed) {
                    assertEquals(0, s.start());
                    assertEquals(16, s.tokens().length());
                    assertTrue(s.samples());
                }

                stage.fed.clear();
                stage.sampled.clear();
                ModelBench.Timing tg = bench.measure(ModelBench.Test.generation(4));
                assertEquals(2, tg.nanos().size());
                List<Integer> starts = new ArrayList<>();
                for (int i = 0; i < stage.fed.size(); i++) {
                    SequenceStep s = stage.fed.get(i);
                    starts.add(s.start());
                    assertEquals(1, s.tokens().length());
                    if (s.start() > 0) {
                        assertEquals(stage.sampled.get(i - 1), s.tokens().get(0), "step " + i + " feeds the token sampled before");
                    }
                }
                assertEquals(List.of(0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3), starts);
                assertTrue(pp.meanTokensPerSecond() > 0 && tg.meanTokensPerSecond() > 0);
            }
        }
    }

    @Test
    void tokensPerSecondAreAveragedOverTheRepetitionsWithTheSampleStandardDeviation() {
        ModelBench.Timing t = new ModelBench.Timing(ModelBench.Test.generation(4), List.of(1_000_000_000L, 2_000_000_000L));
        assertEquals(List.of(4.0, 2.0), Arrays.stream(t.tokensPerSecond()).boxed().toList());
        assertEquals(3.0, t.meanTokensPerSecond(), 1e-12);
        assertEquals(Math.sqrt(2), t.stddevTokensPerSecond(), 1e-12);
        assertEquals(0, new ModelBench.Timing(ModelBench.Test.prompt(8), List.of(5L)).stddevTokensPerSecond());
    }

    @Test
    void aTestIsAPromptOrAGenerationAndMustFitTheContext() {
        assertEquals("pp512", ModelBench.Test.prompt(512).name());
        assertEquals("tg128", ModelBench.Test.generation(128).name());
        assertThrows(IllegalArgumentException.class, () -> new ModelBench.Test(4, 4));
        assertThrows(IllegalArgumentException.class, () -> ModelBench.Test.prompt(0));
        try (ModelSource source = ModelSources.open("dummy:llama-260k")) {
            var e = assertThrows(IllegalArgumentException.class, () -> ModelBench.Test.prompt(513).requireFits(source));
            assertEquals("pp513 needs 513 positions, more than the context length 512 of dummy:llama-260k", e.getMessage());
        }
    }
}
