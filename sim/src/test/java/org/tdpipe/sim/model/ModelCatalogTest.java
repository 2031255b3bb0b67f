package org.tdpipe.sim.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ModelCatalogTest {
    private final ModelCatalog catalog = ModelCatalog.standard();

    @Test
    void llama2_13bMatchesItsPublishedSize() {
        ModelShape m = catalog.get("llama-2-13b");
        assertEquals(800 * 1024, m.kvBytesPerToken(), "800 KiB of KV per token (MHA)");
        assertEquals(13.0e9, m.parameterCount(), 0.05e9);
        assertEquals(26.0e9, m.weightBytes(), 0.1e9);
    }

    @Test
    void parameterCountsMatchTheModelCards() {
        assertEquals(69.0e9, catalog.get("llama-2-70b").parameterCount(), 0.3e9);
        assertEquals(32.8e9, catalog.get("qwen2.5-32b").parameterCount(), 0.3e9);
        assertEquals(8.03e9, catalog.get("llama-3-8b").parameterCount(), 0.05e9);
        assertEquals(6.74e9, catalog.get("llama-2-7b").parameterCount(), 0.05e9);
        // OPT-125m: 125 M with tied embeddings; the approximation leaves out biases and positions
        assertEquals(125e6, catalog.get("opt-125m").parameterCount(), 0.03 * 125e6);
    }

    @Test
    void flopsPerTokenCountTwoPerWeightPlusAttention() {
        ModelShape m = catalog.get("llama-2-13b");
        long layerWeights = m.layers() * (m.paramsPerLayer() - m.normParamsPerLayer());
        assertEquals(2 * layerWeights, m.linearFlopsPerToken());
        assertEquals(4L * 40 * 5120 * 1000, m.attentionFlopsPerToken(1000));
        assertEquals(2L * 32000 * 5120, m.lmHeadFlopsPerToken());
    }

    @Test
    void kvBytesPerTokenFollowKvHeads() {
        assertEquals(320 * 1024, catalog.get("llama-2-70b").kvBytesPerToken());
        assertEquals(256 * 1024, catalog.get("qwen2.5-32b").kvBytesPerToken());
        assertEquals(128 * 1024, catalog.get("llama-3-8b").kvBytesPerToken());
    }

    @Test
    void optHasAPlainMlp() {
        ModelShape opt = catalog.get("opt-125m");
        assertEquals(768L * 3072, opt.mlpUpParamsPerLayer());
        assertTrue(opt.tiedEmbeddings());
    }

    @Test
    void unknownModelListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> catalog.get("gpt-4"));
        assertTrue(e.getMessage().contains("'gpt-4'") && e.getMessage().contains("llama-2-13b"), e.getMessage());
    }

    @Test
    void rejectsInconsistentShapes() {
        assertThrows(IllegalArgumentException.class,
                () -> new ModelShape("bad", 2, 64, 6, 4, 16, 128, 100, false, true, false));
        assertThrows(IllegalArgumentException.class,
                () -> new ModelShape("bad", 0, 64, 4, 4, 16, 128, 100, false, true, false));
    }
}
