package org.tdpipe.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code tdpipe logits} against llama.cpp's own logits for the same GGUF files (../shared/data/models/llama-kq). */
class LogitsCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static Path llamaKq(String file) {
        String root = System.getProperty("tdpipe.shared.data");
        assumeTrue(root != null, "tdpipe.shared.data not set; skipping");
        Path p = Path.of(root, "models", "llama-kq", file);
        assumeTrue(Files.exists(p), p + " absent; skipping");
        return p;
    }

    private JsonNode logits(String model, String... extra) throws IOException {
        Path json = dir.resolve("logits.json");
        JsonNode reference = JSON.readTree(llamaKq("llama-kq-f32.logits.json").toFile());
        String ids = StreamSupport.stream(reference.get("prompt_ids").spliterator(), false).map(JsonNode::asText)
                .collect(Collectors.joining(","));
        String[] args = new String[] {"logits", "--model", model, "--token-ids", ids, "--threads", "2", "--json", json.toString()};
        SimulateCommandTest.Run run = SimulateCommandTest.run(concat(args, extra));
        assertEquals(0, run.code(), run.err());
        return JSON.readTree(json.toFile());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Mean |Δ| over every position and id of two logits files of the same prompt. */
    private static double meanAbsoluteDifference(JsonNode ours, JsonNode theirs) {
        assertEquals(theirs.get("prompt_ids"), ours.get("prompt_ids"));
        double sum = 0;
        int n = 0;
        for (int pos = 0; pos < theirs.get("positions").size(); pos++) {
            JsonNode a = ours.get("positions").get(pos).get("logits");
            JsonNode b = theirs.get("positions").get(pos).get("logits");
            assertEquals(b.size(), a.size());
            for (int i = 0; i < b.size(); i++) {
                sum += Math.abs(a.get(i).asDouble() - b.get(i).asDouble());
                n++;
            }
        }
        return sum / n;
    }

    /**
     * Every file within max(0.25 × its quantization's shift of llama.cpp's logits from the F32
     * file's, 0.008) mean |Δ| of llama.cpp's rows (PROVENANCE.md: llama.cpp quantizes the
     * activations to 8 bits for quantized weights, tdpipe keeps them in floats); F32 within 1e-3.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"f32, 0", "q8_0, 0.005", "q6_k, 0.013", "q5_k_m, 0.027", "q5_k_s, 0.028", "q4_k_m, 0.047", "q4_k_s, 0.046",
        "q4_0, 0.065", "q3_k_m, 0.076", "q2_k, 0.156"})
    void logitsMatchLlamaCppOnTheSameFile(String type, double shift) throws IOException {
        Path model = llamaKq("llama-kq-" + type + ".gguf");
        JsonNode reference = JSON.readTree(llamaKq("llama-kq-" + type + ".logits.json").toFile());
        double tolerance = type.equals("f32") ? 1e-3 : Math.max(0.25 * shift, 0.008);
        double mean = meanAbsoluteDifference(logits(model.toString()), reference);
        System.out.printf("llama-kq %s: mean |delta| %.5f (tolerance %.4f)%n", type, mean, tolerance);
        assertTrue(mean <= tolerance, type + ": mean |delta| " + mean + " > " + tolerance);
    }

    @Test
    void stagesSplitTheLayersWithoutChangingTheLogits() throws IOException {
        String model = llamaKq("llama-kq-q4_k_m.gguf").toString();
        JsonNode one = logits(model);
        JsonNode two = logits(model, "--stages", "2", "--threads-per-stage", "1");
        assertEquals(0.0, meanAbsoluteDifference(two, one));
    }

    @Test
    void listsEachPositionsTopIdsHighestFirst() throws IOException {
        JsonNode out = logits(llamaKq("llama-kq-f32.gguf").toString(), "--top", "3");
        JsonNode position = out.get("positions").get(5);
        assertEquals(5, position.get("pos").asInt());
        JsonNode top = position.get("top");
        assertEquals(3, top.size());
        double[] row = StreamSupport.stream(position.get("logits").spliterator(), false).mapToDouble(JsonNode::asDouble).toArray();
        int[] expected = IntStream.range(0, row.length).boxed().sorted((a, b) -> Double.compare(row[b], row[a])).limit(3)
                .mapToInt(Integer::intValue).toArray();
        assertArrayEquals(expected, IntStream.range(0, 3).map(i -> top.get(i).get(0).asInt()).toArray());
    }

    @Test
    void badTokenIdsNameTheProblem() {
        SimulateCommandTest.Run run = SimulateCommandTest.run("logits", "--model", "dummy:llama-260k", "--token-ids", "1,99999");
        assertTrue(run.code() != 0, run.out());
        assertTrue(run.err().contains("token id 99999 is outside the vocabulary"), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
    }
}
