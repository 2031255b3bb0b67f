package org.tdpipe.model.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpipe.model.tokenizer.Tokenizer;

/**
 * Converts stories260K to a Hugging Face folder the way {@code transformers} stores Llama (HF names,
 * {@code [out, in]} shapes, Q/K rows in the half-split RoPE layout) and reads it back.
 */
class HuggingFaceModelSourceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void singleFileFolderMatchesTheGguf() throws IOException {
        try (GgufModelSource gguf = stories()) {
            writeFolder(gguf, false);
            try (HuggingFaceModelSource hf = HuggingFaceModelSource.open(dir)) {
                assertMatches(gguf, hf);
                assertEquals("{{ messages }}", hf.chatTemplate().orElseThrow());
            }
        }
    }

    @Test
    void shardedFolderWithIndexMatchesTheGguf() throws IOException {
        try (GgufModelSource gguf = stories()) {
            writeFolder(gguf, true);
            try (ModelSource hf = ModelLoader.open(dir.toString())) {
                assertInstanceOf(HuggingFaceModelSource.class, hf);
                assertMatches(gguf, hf);
            }
        }
    }

    @Test
    void unsupportedArchitectureIsNamed() throws IOException {
        try (GgufModelSource gguf = stories()) {
            writeFolder(gguf, false);
        }
        ObjectNode config = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        config.putArray("architectures").add("GPT2LMHeadModel");
        JSON.writeValue(dir.resolve("config.json").toFile(), config);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> HuggingFaceModelSource.open(dir));
        assertTrue(e.getMessage().contains("GPT2LMHeadModel") && e.getMessage().contains("LlamaForCausalLM"), e.getMessage());
    }

    private static GgufModelSource stories() {
        return GgufModelSource.open(SharedData.require("models/stories260K/stories260K.gguf"));
    }

    private void assertMatches(GgufModelSource gguf, ModelSource hf) {
        ModelConfig g = gguf.config();
        assertEquals(new ModelConfig("llama", g.dim(), g.hiddenDim(), g.numLayers(), g.numHeads(), g.numKvHeads(),
                g.headDim(), g.vocabSize(), 512, g.rmsNormEps(), g.ropeTheta(), null, false, true, true), hf.config());
        for (TensorEntry expected : gguf.file().tensors().values()) {
            if (expected.name().equals("output.weight")) {
                continue; // tied in the HF folder
            }
            TensorEntry actual = hf.require(expected.name());
            assertArrayEquals(expected.shape(), actual.shape(), expected.name());
            byte[] want = toBytes(expected.data());
            if (expected.name().endsWith("attn_q.weight") || expected.name().endsWith("attn_k.weight")) {
                want = hfRopeLayout(want, expected.shape(), g.headDim());
            }
            assertArrayEquals(want, toBytes(actual.data()), expected.name());
        }
        Tokenizer tokenizer = hf.tokenizer();
        String text = "Once upon a time, there was a little girl named Lily. ü 😀";
        assertArrayEquals(gguf.tokenizer().encode(text, true), tokenizer.encode(text, true));
        assertEquals(text, tokenizer.decode(tokenizer.encode(text, true)));
        assertEquals(1, tokenizer.bosId());
        assertEquals(2, tokenizer.eosId());
    }

    private static byte[] toBytes(MemorySegment segment) {
        return segment.toArray(ValueLayout.JAVA_BYTE);
    }

    /** Rows of a GGUF Q/K matrix rearranged as Hugging Face stores them: HF row (h, j, i) = GGUF row (h, 2i + j). */
    static byte[] hfRopeLayout(byte[] gguf, long[] shape, int headDim) {
        int rowBytes = (int) shape[0] * Float.BYTES;
        int rows = (int) shape[1];
        byte[] out = new byte[gguf.length];
        for (int r = 0; r < rows; r++) {
            int head = r / headDim;
            int within = r % headDim;
            int j = within / (headDim / 2);
            int i = within % (headDim / 2);
            int source = head * headDim + 2 * i + j;
            System.arraycopy(gguf, source * rowBytes, out, r * rowBytes, rowBytes);
        }
        return out;
    }

    private void writeFolder(GgufModelSource gguf, boolean sharded) throws IOException {
        ModelConfig c = gguf.config();
        SafetensorsWriter first = new SafetensorsWriter();
        SafetensorsWriter second = new SafetensorsWriter();
        ObjectNode weightMap = JSON.createObjectNode();
        for (TensorEntry t : gguf.file().tensors().values()) {
            if (t.name().equals("output.weight")) {
                continue; // tied: Hugging Face Llama checkpoints with tie_word_embeddings have no lm_head
            }
            String hfName = HfNames.of(t.name());
            byte[] data = toBytes(t.data());
            if (t.name().endsWith("attn_q.weight") || t.name().endsWith("attn_k.weight")) {
                data = hfRopeLayout(data, t.shape(), c.headDim());
            }
            long[] hfShape = t.shape().length == 1 ? t.shape() : new long[] {t.shape()[1], t.shape()[0]};
            boolean inSecond = sharded && t.name().startsWith("blk.") && Integer.parseInt(t.name().split("\\.")[1]) >= 2;
            (inSecond ? second : first).add(hfName, "F32", hfShape, data);
            weightMap.put(hfName, inSecond ? "model-00002-of-00002.safetensors" : "model-00001-of-00002.safetensors");
        }
        if (sharded) {
            first.write(dir.resolve("model-00001-of-00002.safetensors"));
            second.write(dir.resolve("model-00002-of-00002.safetensors"));
            ObjectNode index = JSON.createObjectNode();
            index.putObject("metadata").put("total_size", 0);
            index.set("weight_map", weightMap);
            JSON.writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
        } else {
            first.write(dir.resolve("model.safetensors"));
        }
        ObjectNode config = JSON.createObjectNode();
        config.putArray("architectures").add("LlamaForCausalLM");
        config.put("hidden_size", c.dim()).put("intermediate_size", c.hiddenDim()).put("num_hidden_layers", c.numLayers())
                .put("num_attention_heads", c.numHeads()).put("num_key_value_heads", c.numKvHeads())
                .put("vocab_size", c.vocabSize()).put("max_position_embeddings", 512).put("rms_norm_eps", c.rmsNormEps())
                .put("rope_theta", c.ropeTheta()).put("tie_word_embeddings", true).put("bos_token_id", 1).put("eos_token_id", 2);
        JSON.writeValue(dir.resolve("config.json").toFile(), config);
        HfTokenizerJson.writeSentencePiece(gguf.file().metadata(), dir);
    }
}
