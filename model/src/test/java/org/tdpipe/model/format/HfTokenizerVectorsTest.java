package org.tdpipe.model.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tdpipe.model.tokenizer.Tokenizer;

/** The llama.cpp vocab vectors, through {@code tokenizer.json} files converted from the GGUF vocabularies. */
class HfTokenizerVectorsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"gpt-2", "phi-3"})
    void tokenizerJsonEncodesLikeLlamaCpp(String vocab) throws IOException {
        Path gguf = SharedData.require("tokenizers/ggml-vocab-" + vocab + ".gguf");
        try (GgufFile file = GgufFile.open(gguf)) {
            if (vocab.equals("phi-3")) {
                HfTokenizerJson.writeSentencePiece(file.metadata(), dir);
            } else {
                HfTokenizerJson.writeByteLevel(file.metadata(), dir);
            }
        }
        ObjectMapper json = new ObjectMapper();
        Tokenizer tokenizer = HfTokenizerReader.read(dir, json.createObjectNode(), json).tokenizer();
        String[] inputs = Files.readString(Path.of(gguf + ".inp"), StandardCharsets.UTF_8).split("\n__ggml_vocab_test__\n", -1);
        List<String> expected = Files.readAllLines(Path.of(gguf + ".out"), StandardCharsets.UTF_8);
        for (int i = 0; i < expected.size(); i++) {
            String line = expected.get(i).trim();
            int[] want = line.isEmpty() ? new int[0] : Arrays.stream(line.split("\\s+")).mapToInt(Integer::parseInt).toArray();
            String input = inputs[i];
            assertArrayEquals(want, tokenizer.encode(input, false), () -> vocab + " encoding '" + input + "'");
            assertEquals(input, tokenizer.decode(want), () -> vocab + " decoding '" + input + "'");
        }
    }
}
