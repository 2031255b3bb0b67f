package org.tdpipe.model.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.tdpipe.model.tokenizer.Tokenizer;

/** stories260K in its two formats: same configuration, bit-identical tensors, equivalent tokenizers. */
class Stories260KTest {
    private static final String DIR = "models/stories260K/";

    @Test
    void ggufConfiguration() {
        try (GgufModelSource gguf = GgufModelSource.open(SharedData.require(DIR + "stories260K.gguf"))) {
            ModelConfig c = gguf.config();
            assertEquals("llama", c.architecture());
            assertEquals(64, c.dim());
            assertEquals(172, c.hiddenDim());
            assertEquals(5, c.numLayers());
            assertEquals(8, c.numHeads());
            assertEquals(4, c.numKvHeads());
            assertEquals(8, c.headDim());
            assertEquals(512, c.vocabSize());
            assertEquals(2048, c.contextLength()); // the GGUF's metadata; llama2.c's seq_len is 512
            assertFalse(c.tiedEmbeddings()); // the GGUF stores the shared matrix twice, as output.weight too
            assertFalse(c.qkvBias());
            assertFalse(c.ropeHalfSplit());
            assertEquals(48, gguf.file().tensors().size());
            assertEquals(1, gguf.tokenizer().bosId());
            assertEquals(2, gguf.tokenizer().eosId());
        }
    }

    @Test
    void llama2cTensorsAreBitIdenticalToGguf() {
        try (GgufModelSource gguf = GgufModelSource.open(SharedData.require(DIR + "stories260K.gguf"));
                Llama2cModelSource bin = Llama2cModelSource.open(SharedData.require(DIR + "stories260K.bin"),
                        SharedData.require(DIR + "tok512.bin"))) {
            ModelConfig g = gguf.config();
            ModelConfig b = bin.config();
            assertEquals(new ModelConfig(g.architecture(), g.dim(), g.hiddenDim(), g.numLayers(), g.numHeads(),
                    g.numKvHeads(), g.headDim(), g.vocabSize(), 512, g.rmsNormEps(), g.ropeTheta(), null,
                    false, true), b);
            assertEquals(new HashSet<>(CanonicalTensors.expected(g).keySet()),
                    union(CanonicalTensors.expected(b).keySet(), "output.weight"));
            for (TensorEntry expected : gguf.file().tensors().values()) {
                // llama2.c shares the classifier with the embedding; the GGUF stores a copy
                String name = expected.name().equals("output.weight") ? "token_embd.weight" : expected.name();
                TensorEntry actual = bin.require(name);
                assertEquals(expected.type(), actual.type(), expected.name());
                assertArrayEquals(expected.shape(), actual.shape(), expected.name());
                assertEquals(-1L, expected.data().mismatch(actual.data()), expected.name());
            }
        }
    }

    private static Set<String> union(Set<String> names, String extra) {
        Set<String> out = new HashSet<>(names);
        out.add(extra);
        return out;
    }

    @Test
    void tokenizersAgreeAndDecodeTheReferenceText() throws IOException {
        JsonNode reference = new ObjectMapper().readTree(SharedData.require(DIR + "reference_greedy_200.json").toFile());
        int[] tokens = StreamSupport.stream(reference.get("tokens_including_bos").spliterator(), false)
                .mapToInt(JsonNode::asInt).toArray();
        String text = reference.get("decoded_text").asText();
        try (GgufModelSource gguf = GgufModelSource.open(SharedData.require(DIR + "stories260K.gguf"));
                Llama2cModelSource bin = Llama2cModelSource.open(SharedData.require(DIR + "stories260K.bin"),
                        SharedData.require(DIR + "tok512.bin"))) {
            for (Tokenizer tokenizer : new Tokenizer[] {gguf.tokenizer(), bin.tokenizer()}) {
                assertEquals(text, tokenizer.decode(tokens), tokenizer.toString());
                assertArrayEquals(tokens, tokenizer.encode(text, true), tokenizer.toString());
            }
            for (int id = 0; id < 512; id++) {
                assertArrayEquals(gguf.tokenizer().tokenBytes(id), bin.tokenizer().tokenBytes(id), "token " + id);
            }
        }
    }

    @Test
    void tensorDataIsReadableAsLittleEndianFloats() {
        try (GgufModelSource gguf = GgufModelSource.open(SharedData.require(DIR + "stories260K.gguf"))) {
            MemorySegment norm = gguf.require("output_norm.weight").data();
            assertEquals(64 * 4, norm.byteSize());
            float first = norm.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            assertTrue(Float.isFinite(first) && first != 0f);
        }
    }
}
