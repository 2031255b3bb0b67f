package org.tdpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictorCommandTest {
    @TempDir
    Path dir;

    @Test
    void beatsTheMeanBaselineOnTheShareGptSplit() throws IOException {
        Path trace = SharedData.path(WorkloadTrace.SHAREGPT);
        Assumptions.assumeTrue(Files.isRegularFile(trace), "ShareGPT trace absent: " + trace);
        Path model = dir.resolve("sharegpt.bin");
        Path json = dir.resolve("eval.json");
        SimulateCommandTest.Run train = SimulateCommandTest.run("predictor", "train", "--data", trace.toString(),
                "--out", model.toString(), "--epochs", "3");
        assertEquals(0, train.code(), train.err());
        SimulateCommandTest.Run eval = SimulateCommandTest.run("predictor", "eval", "--model", model.toString(),
                "--data", trace.toString(), "--json", json.toString());
        assertEquals(0, eval.code(), eval.err());
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        System.out.println("ShareGPT split: " + doc);
        assertTrue(doc.get("mae").asDouble() < doc.get("baseline_mae").asDouble(), doc.toString());
        assertTrue(doc.get("bucket_accuracy").asDouble() > 0.1, doc.toString());
    }

    @Test
    void learnsFromPromptTextInJsonl() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            boolean story = i % 2 == 0;
            String prompt = (story ? "tell me a long story about the dragon " : "say yes or no about the cat ") + i;
            lines.add("{\"prompt\": \"" + prompt + "\", \"output_tokens\": " + (story ? 300 + i % 40 : 3) + "}");
        }
        Path data = dir.resolve("lengths.jsonl");
        Files.write(data, lines);
        Path model = dir.resolve("text.bin");
        Path json = dir.resolve("eval.json");
        assertEquals(0, SimulateCommandTest.run("predictor", "train", "--data", data.toString(), "--out", model.toString()).code());
        SimulateCommandTest.Run eval = SimulateCommandTest.run("predictor", "eval", "--model", model.toString(),
                "--data", data.toString(), "--json", json.toString());
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("bucket accuracy"), eval.out());
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertTrue(doc.get("bucket_accuracy").asDouble() > 0.9, doc.toString());
        assertTrue(doc.get("mae").asDouble() < 0.2 * doc.get("baseline_mae").asDouble(), doc.toString());
    }

    @Test
    void badInputsGiveOneLineErrors() throws IOException {
        Path garbage = dir.resolve("garbage.bin");
        Files.writeString(garbage, "TDPLEN but then nothing useful");
        Path data = dir.resolve("bad.jsonl");
        Files.writeString(data, "{\"prompt\": \"hi\"}\n");
        SimulateCommandTest.Run corrupt = SimulateCommandTest.run("predictor", "eval", "--model", garbage.toString(),
                "--data", data.toString());
        assertEquals(2, corrupt.code());
        assertTrue(corrupt.err().contains(garbage.toString()), corrupt.err());
        SimulateCommandTest.Run missingField = SimulateCommandTest.run("predictor", "train", "--data", data.toString(),
                "--out", dir.resolve("m.bin").toString());
        assertEquals(2, missingField.code());
        assertTrue(missingField.err().contains("bad.jsonl line 1: missing field 'output_tokens'"), missingField.err());
    }
}
