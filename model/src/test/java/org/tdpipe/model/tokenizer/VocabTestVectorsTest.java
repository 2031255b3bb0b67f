package org.tdpipe.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tdpipe.model.format.GgufFile;
import org.tdpipe.model.format.SharedData;

/**
 * llama.cpp's tokenizer test vectors ({@code test-tokenizer-0}): every input encodes, without BOS, to the
 * expected ids, and decodes back to the input.
 */
class VocabTestVectorsTest {
    private static final String SEPARATOR = "\n__ggml_vocab_test__\n";

    @ParameterizedTest
    @ValueSource(strings = {"gpt-2", "phi-3", "falcon", "mpt"})
    void encodesLikeLlamaCpp(String vocab) throws IOException {
        Path gguf = SharedData.require("tokenizers/ggml-vocab-" + vocab + ".gguf");
        List<String> inputs = readInputs(Path.of(gguf + ".inp"));
        List<String> expected = Files.readAllLines(Path.of(gguf + ".out"), StandardCharsets.UTF_8);
        assertEquals(expected.size(), inputs.size(), "inputs vs outputs");
        try (GgufFile file = GgufFile.open(gguf)) {
            Tokenizer tokenizer = file.tokenizer();
            for (int i = 0; i < inputs.size(); i++) {
                String input = inputs.get(i);
                int[] got = tokenizer.encode(input, false);
                assertArrayEquals(parseIds(expected.get(i)), got, () -> vocab + " encoding '" + escape(input) + "'");
                assertEquals(input, tokenizer.decode(got), () -> vocab + " decoding '" + escape(input) + "'");
            }
        }
    }

    static List<String> readInputs(Path inp) throws IOException {
        String text = Files.readString(inp, StandardCharsets.UTF_8);
        List<String> parts = Arrays.asList(text.split(SEPARATOR, -1));
        return parts.get(parts.size() - 1).isEmpty() ? parts.subList(0, parts.size() - 1) : parts;
    }

    private static int[] parseIds(String line) {
        String trimmed = line.trim();
        return trimmed.isEmpty() ? new int[0] : Arrays.stream(trimmed.split("\\s+")).mapToInt(Integer::parseInt).toArray();
    }

    private static String escape(String s) {
        return s.replace("\n", "\\n").replace("\t", "\\t");
    }
}
