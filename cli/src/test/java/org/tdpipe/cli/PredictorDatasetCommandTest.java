package org.tdpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictorDatasetCommandTest {
    @TempDir
    Path dir;

    private static String stories260K() {
        Path p = SharedData.path("models/stories260K/stories260K.gguf");
        assumeTrue(Files.exists(p), p + " absent; skipping");
        return p.toString();
    }

    private List<JsonNode> dataset(String model, String name, String... extra) throws IOException {
        Path out = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("predictor", "dataset", "--model", model, "--num-prompts", "6",
                "--seed", "3", "--max-tokens", "40", "--threads", "2", "--out", out.toString()));
        args.addAll(List.of(extra));
        SimulateCommandTest.Run run = SimulateCommandTest.run(args.toArray(String[]::new));
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("Wrote 6 examples"), run.out());
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            lines.add(new ObjectMapper().readTree(line));
        }
        return lines;
    }

    @Test
    void runsStories260KOnComposedPromptsAndRecordsTheirTrueLengths() throws IOException {
        String model = stories260K();
        List<JsonNode> lines = dataset(model, "a.jsonl", "--temperatures", "0.5,1.0");
        assertEquals(6, lines.size());
        for (JsonNode l : lines) {
            int output = l.get("output_tokens").asInt();
            int max = l.get("max_tokens").asInt();
            assertEquals(40, max);
            assertTrue(output >= 1 && output <= max, l.toString());
            assertEquals(output == max ? "length" : "stop", l.get("finish_reason").asText(), l.toString());
            assertTrue(Set.of(0.5, 1.0).contains(l.get("temperature").asDouble()), l.toString());
            assertEquals(0.9, l.get("top_p").asDouble());
            assertTrue(l.get("prompt_tokens").asInt() > 1 && !l.get("prompt").asText().isBlank(), l.toString());
        }
        assertEquals(lines, dataset(model, "b.jsonl", "--temperatures", "0.5,1.0"), "the same seed gives the same file");
        Path data = dir.resolve("a.jsonl");
        assertEquals(6, LengthDataset.read(data, null).examples().size(), "predictor train/eval read it");
    }

    @Test
    void badOptionsAreExplained() {
        SimulateCommandTest.Run run = SimulateCommandTest.run("predictor", "dataset", "--model", "dummy:llama-110m",
                "--num-prompts", "0", "--out", dir.resolve("x.jsonl").toString());
        assertEquals(2, run.code());
        assertTrue(run.err().contains("--num-prompts"), run.err());
    }
}
