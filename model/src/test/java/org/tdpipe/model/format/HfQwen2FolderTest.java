package org.tdpipe.model.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpipe.model.tokenizer.ByteLevelBpeTokenizer;

/** A tiny Qwen2-style folder: BF16 weights, F16 norms, q/k/v biases, tied embeddings, byte-level tokenizer. */
class HfQwen2FolderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void readsQwen2Folder() throws IOException {
        Path vocab = SharedData.require("tokenizers/ggml-vocab-gpt-2.gguf");
        int vocabSize;
        try (GgufFile file = GgufFile.open(vocab)) {
            HfTokenizerJson.writeByteLevel(file.metadata(), dir);
            vocabSize = file.metadata().strings("tokenizer.ggml.tokens").orElseThrow().length;
        }
        ModelConfig expected = new ModelConfig("qwen2", 8, 12, 1, 2, 1, 4, vocabSize, 128, 1e-6f, 1e6f, null, true, true, true);
        SafetensorsWriter weights = new SafetensorsWriter();
        for (Map.Entry<String, long[]> t : CanonicalTensors.expected(expected).entrySet()) {
            long[] shape = t.getValue();
            int elements = (int) (shape.length == 1 ? shape[0] : shape[0] * shape[1]);
            boolean norm = t.getKey().endsWith("norm.weight");
            byte[] data = new byte[elements * 2];
            data[1] = (byte) (norm ? 0x3C : 0x3F); // first element: F16 1.0 (0x3C00) for norms, BF16 0.5 (0x3F00) elsewhere
            long[] hfShape = shape.length == 1 ? shape : new long[] {shape[1], shape[0]};
            weights.add(HfNames.of(t.getKey()), norm ? "F16" : "BF16", hfShape, data);
        }
        weights.write(dir.resolve("model.safetensors"));
        ObjectNode config = JSON.createObjectNode();
        config.putArray("architectures").add("Qwen2ForCausalLM");
        config.put("hidden_size", 8).put("intermediate_size", 12).put("num_hidden_layers", 1).put("num_attention_heads", 2)
                .put("num_key_value_heads", 1).put("vocab_size", vocabSize).put("max_position_embeddings", 128)
                .put("rms_norm_eps", 1e-6).put("rope_theta", 1e6).put("tie_word_embeddings", true)
                .put("eos_token_id", 50256);
        JSON.writeValue(dir.resolve("config.json").toFile(), config);

        try (HuggingFaceModelSource source = HuggingFaceModelSource.open(dir)) {
            assertEquals(expected, source.config());
            TensorEntry q = source.require("blk.0.attn_q.weight");
            assertEquals(GgmlType.BF16, q.type());
            assertArrayEquals(new long[] {8, 8}, q.shape());
            assertEquals(GgmlType.F16, source.require("output_norm.weight").type());
            assertEquals((short) 0x3C00, source.require("output_norm.weight").data().get(ValueLayout.JAVA_SHORT_UNALIGNED, 0));
            assertEquals(4, source.require("blk.0.attn_k.bias").elements());
            assertTrue(source.tensor("output.weight").isEmpty());
            assertTrue(source.tokenizer() instanceof ByteLevelBpeTokenizer);
            assertEquals(50256, source.tokenizer().eosId());
            assertArrayEquals(new int[] {15496, 995}, source.tokenizer().encode("Hello world", false));
        }
    }

    @Test
    void splitRegexPreTokenizerIsUsed() throws IOException {
        try (GgufFile file = GgufFile.open(SharedData.require("tokenizers/ggml-vocab-gpt-2.gguf"))) {
            HfTokenizerJson.writeByteLevel(file.metadata(), dir);
        }
        ObjectNode root = (ObjectNode) JSON.readTree(dir.resolve("tokenizer.json").toFile());
        ObjectNode pre = root.putObject("pre_tokenizer").put("type", "Sequence");
        var steps = pre.putArray("pretokenizers");
        steps.addObject().put("type", "Split").put("behavior", "Isolated").put("invert", false).putObject("pattern")
                .put("Regex", "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
                        + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");
        steps.addObject().put("type", "ByteLevel").put("add_prefix_space", false).put("use_regex", false);
        JSON.writeValue(dir.resolve("tokenizer.json").toFile(), root);
        var tokenizer = HfTokenizerReader.read(dir, JSON.createObjectNode(), JSON).tokenizer();
        // Qwen2's pattern isolates every digit; GPT-2's own would keep " 123" together
        assertArrayEquals(new int[] {39305, 220, 16, 17, 18}, tokenizer.encode("abc 123", false));
    }

    @Test
    void llama3RopeScalingIsRead() throws IOException {
        ObjectNode config = (ObjectNode) JSON.readTree("""
                {"architectures": ["LlamaForCausalLM"], "hidden_size": 64, "intermediate_size": 128,
                 "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 100,
                 "max_position_embeddings": 131072, "rms_norm_eps": 1e-5, "rope_theta": 500000.0,
                 "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                  "original_max_position_embeddings": 8192, "rope_type": "llama3"}}""");
        ModelConfig c = HfModelConfigs.read(config, "config.json", true);
        assertEquals(new ModelConfig.RopeScaling(8f, 1f, 4f, 8192), c.ropeScaling());
        assertEquals(16, c.headDim());
        config.putObject("rope_scaling").put("rope_type", "yarn");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> HfModelConfigs.read(config, "config.json", true));
        assertTrue(e.getMessage().contains("'yarn' is not supported"), e.getMessage());
    }
}
