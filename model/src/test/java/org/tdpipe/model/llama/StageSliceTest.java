package org.tdpipe.model.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.tdpipe.model.dummy.DummyModelSource;
import org.tdpipe.model.format.ModelConfig;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.format.TensorEntry;
import org.tdpipe.model.step.BatchLayout;
import org.tdpipe.model.step.SamplingSettings;
import org.tdpipe.model.step.SequenceTable;
import org.tdpipe.model.tensor.Parallel;
import org.tdpipe.model.testing.Driver;
import org.tdpipe.model.testing.Sequences;
import org.tdpipe.model.testing.TestSequence;
import org.tdpipe.model.tokenizer.Tokenizer;

class StageSliceTest {
    /** Records which tensors were asked for. */
    private static final class RecordingSource implements ModelSource {
        final ModelSource inner;
        final Set<String> opened = ConcurrentHashMap.newKeySet();

        RecordingSource(ModelSource inner) {
            this.inner = inner;
        }

        @Override
        public String location() {
            return inner.location();
        }

        @Override
        public ModelConfig config() {
            return inner.config();
        }

        @Override
        public Tokenizer tokenizer() {
            return inner.tokenizer();
        }

        @Override
        public Optional<TensorEntry> tensor(String name) {
            opened.add(name);
            return inner.tensor(name);
        }
    }

    @Test
    void aMiddleStageOpensOnlyItsOwnLayers() {
        try (DummyModelSource dummy = DummyModelSource.open("dummy:llama-260k")) {
            RecordingSource source = new RecordingSource(dummy);
            StageWeights.load(source, new LayerRange(2, 4, 5));
            for (String name : source.opened) {
                assertTrue(name.startsWith("blk.2.") || name.startsWith("blk.3."), name);
            }
            assertEquals(18, source.opened.size());
        }
    }

    @Test
    void layerRangesSplitEvenly() {
        assertEquals(List.of(new LayerRange(0, 2, 5), new LayerRange(2, 4, 5), new LayerRange(4, 5, 5)), LayerRange.split(5, 3));
        assertThrows(IllegalArgumentException.class, () -> LayerRange.split(5, 6));
    }

    @Test
    void aMiddleStageHasNoEmbeddingOrHead() {
        try (DummyModelSource source = DummyModelSource.open("dummy:llama-260k"); Parallel parallel = new Parallel(1)) {
            ModelConfig c = source.config();
            LlamaStage middle = new LlamaStage(c, StageWeights.load(source, new LayerRange(1, 3, 5)),
                    new KvCache(2, 4, 16, c.numKvHeads() * c.headDim()), parallel);
            Sequences seqs = new Sequences(16);
            TestSequence r = seqs.sequence(new int[] {1, 5, 6}, SamplingSettings.GREEDY, 4);
            BatchLayout layout = new SequenceTable(16, c.contextLength()).apply(seqs.step(Sequences.prefill(r)));
            assertThrows(IllegalStateException.class, () -> middle.embed(layout));
            HiddenStates h = new HiddenStates(3, c.dim(), new float[3 * c.dim()]);
            assertThrows(IllegalStateException.class, () -> middle.logits(middle.forward(layout, h), layout.sampledRows()));
        }
    }

    @Test
    void aBadTokenIsRefusedWithAMessageNamingIt() {
        try (DummyModelSource source = DummyModelSource.open("dummy:llama-260k"); Driver driver = new Driver(source, 2, 8, 16, 1)) {
            Sequences seqs = new Sequences(16);
            TestSequence r = seqs.sequence(new int[] {1, 9999}, SamplingSettings.GREEDY, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> driver.step(seqs, seqs.step(Sequences.prefill(r))));
            assertTrue(e.getMessage().contains("token id 9999"), e.getMessage());
        }
    }
}
