package org.tdpipe.model.dummy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tdpipe.model.format.GgmlType;
import org.tdpipe.model.format.ModelConfig;
import org.tdpipe.model.format.TensorEntry;
import org.tdpipe.model.tensor.Matrix;

class DummyModelSourceTest {
    @Test
    void catalogModelsHaveTheirRealSizes() {
        ModelConfig c = DummyCatalog.config("llama-110m");
        long perLayer = 4L * c.dim() * c.dim() + 3L * c.dim() * c.hiddenDim();
        long params = c.numLayers() * perLayer + (long) c.vocabSize() * c.dim();
        assertTrue(params > 105_000_000 && params < 115_000_000, "llama-110m has " + params + " parameters");
        assertEquals(32, DummyCatalog.config("llama-2-7b").numLayers());
        assertEquals(4, DummyCatalog.config("tinyllama-1.1b").numKvHeads());
    }

    @Test
    void weightsAreDeterministicAndOfTheRequestedType() {
        try (DummyModelSource a = DummyModelSource.open("dummy:llama-260k:q8_0");
                DummyModelSource b = DummyModelSource.open("dummy:llama-260k:q8_0")) {
            TensorEntry qa = a.require("blk.2.attn_q.weight");
            TensorEntry qb = b.require("blk.2.attn_q.weight");
            assertEquals(GgmlType.Q8_0, qa.type());
            assertEquals(ByteBuffer.wrap(qa.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)),
                    ByteBuffer.wrap(qb.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
            // rows of 172 are not a multiple of the Q8_0 block: stored as F32
            assertEquals(GgmlType.F32, a.require("blk.0.ffn_down.weight").type());
            float[] row = new float[64];
            Matrix.of(qa).readRow(0, row, 0);
            double ss = 0;
            for (float v : row) {
                ss += v * v;
            }
            double std = Math.sqrt(ss / row.length);
            assertTrue(std > 0.01 && std < 0.03, "std " + std);
            assertEquals(1f, a.require("output_norm.weight").data().get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0));
        }
    }

    @Test
    void hasExactlyTheTensorsOfItsConfiguration() {
        try (DummyModelSource s = DummyModelSource.open("dummy:llama-260k")) {
            assertTrue(s.tensor("output.weight").isEmpty(), "tied embeddings");
            assertTrue(s.tensor("blk.5.attn_q.weight").isEmpty(), "only 5 layers");
            assertTrue(s.tensor("blk.0.attn_q.bias").isEmpty(), "no qkv bias");
            assertTrue(s.tensor("blk.x.attn_q.weight").isEmpty());
        }
    }

    @Test
    void readsTheShapeOfAHuggingFaceConfig(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path config = dir.resolve("config.json");
        java.nio.file.Files.writeString(config, """
                {"architectures": ["Qwen2ForCausalLM"], "hidden_size": 64, "intermediate_size": 128,
                 "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 300,
                 "max_position_embeddings": 256, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0,
                 "tie_word_embeddings": true}
                """);
        try (DummyModelSource s = DummyModelSource.open("dummy:" + config + ":q8_0")) {
            ModelConfig c = s.config();
            assertEquals("qwen2", c.architecture());
            assertEquals(16, c.headDim());
            assertTrue(c.qkvBias() && c.tiedEmbeddings());
            assertEquals(GgmlType.Q8_0, s.require("blk.1.ffn_up.weight").type());
            assertTrue(s.tensor("blk.1.attn_k.bias").isPresent());
        }
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> DummyModelSource.open("dummy:" + dir.resolve("nope.json")));
        assertTrue(missing.getMessage().contains("nope.json"), missing.getMessage());
    }

    @Test
    void theMediumKQuantMixStoresWhatLlamaCppsStores() {
        // llama-110m: 12 layers; use_more_bits picks layers < 12/8 = 1, >= 7·12/8 = 10, and (i − 1) % 3 == 2;
        // its embedding is tied to the LM head, so it is the LM head's Q6_K
        try (DummyModelSource s = DummyModelSource.open("dummy:llama-110m:q4_k_m")) {
            assertEquals(GgmlType.Q6_K, s.require("token_embd.weight").type());
            for (int layer = 0; layer < 12; layer++) {
                GgmlType expected = Set.of(0, 3, 6, 9, 10, 11).contains(layer) ? GgmlType.Q6_K : GgmlType.Q4_K;
                assertEquals(expected, s.require("blk." + layer + ".attn_v.weight").type(), "attn_v of layer " + layer);
                assertEquals(GgmlType.Q4_K, s.require("blk." + layer + ".attn_k.weight").type(), "attn_k of layer " + layer);
            }
        }
    }

    @Test
    void badSpecsNameTheProblem() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> DummyModelSource.open("dummy:gpt-5"));
        assertTrue(unknown.getMessage().contains("llama-110m"), unknown.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> DummyModelSource.open("dummy:llama-110m:iq4_xs"));
        assertTrue(type.getMessage().contains("iq4_xs") && type.getMessage().contains("q4_k_m"), type.getMessage());
    }

    @Test
    void byteTokenizerRoundTrips() {
        ByteTokenizer t = new ByteTokenizer(512);
        int[] ids = t.encode("héllo", true);
        assertEquals(1, ids[0]);
        assertEquals("héllo", t.decode(ids));
    }
}
