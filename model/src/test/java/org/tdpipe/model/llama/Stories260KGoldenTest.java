package org.tdpipe.model.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tdpipe.model.format.ModelLoader;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.format.SharedData;
import org.tdpipe.model.step.SamplingSettings;
import org.tdpipe.model.testing.Driver;
import org.tdpipe.model.testing.Sequences;
import org.tdpipe.model.testing.TestSequence;

/**
 * The real stories260K model in both formats (and with its Q/K rows in the Hugging Face half-split
 * RoPE layout) reproduces llama2.c's greedy 200-token continuation
 * from BOS token for token, and its first logits within 1e-4, whatever the number of stages.
 */
class Stories260KGoldenTest {
    private static final String DIR = "models/stories260K/";

    @ParameterizedTest
    @ValueSource(strings = {"stories260K.gguf:1", "stories260K.bin:1", "stories260K.gguf:3", "stories260K.bin:5", "half-split:2"})
    void greedyContinuationMatchesLlama2c(String variant) throws IOException {
        String file = variant.substring(0, variant.indexOf(':'));
        int stages = Integer.parseInt(variant.substring(variant.indexOf(':') + 1));
        JsonNode golden = new ObjectMapper().readTree(SharedData.require(DIR + "reference_greedy_200.json").toFile());
        int[] expected = new int[golden.get("tokens_including_bos").size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = golden.get("tokens_including_bos").get(i).asInt();
        }
        try (ModelSource source = file.equals("half-split")
                        ? new HalfSplitRopeSource(ModelLoader.open(SharedData.require(DIR + "stories260K.gguf").toString()))
                        : ModelLoader.open(SharedData.require(DIR + file).toString());
                Driver driver = new Driver(source, stages, 16, 16, 2)) {
            Sequences seqs = new Sequences(16);
            TestSequence r = seqs.sequence(new int[] {source.tokenizer().bosId()}, SamplingSettings.GREEDY, 201);
            driver.generateAlone(seqs, r, 1, 200);

            assertArrayEquals(expected, r.tokens(0, r.numTokens()), file);
            assertEquals(golden.get("decoded_text").asText(), source.tokenizer().decode(r.tokens(0, r.numTokens())));
            List<float[]> logits = driver.logits(r);
            JsonNode first = golden.get("logits_pos0_after_bos");
            for (int i = 0; i < first.size(); i++) {
                assertEquals(first.get(i).asDouble(), logits.get(0)[i], 1e-4, "logit " + i);
            }
        }
    }
}
