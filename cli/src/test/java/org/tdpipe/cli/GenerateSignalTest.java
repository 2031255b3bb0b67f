package org.tdpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code generate} process stopped by SIGTERM halfway: it writes out what finished, says
 * how many remain and exits non-zero; the same command then completes the output, every id once.
 */
class GenerateSignalTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REQUESTS = 40;

    @TempDir
    Path dir;

    private static List<String> args(Path in, Path out) {
        return List.of("generate", "--model", "dummy:llama-260k", "--input", in.toString(), "--output", out.toString(),
                "--threads", "1", "--temperature", "0", "--policy", "pp-chunked");
    }

    @Test
    void sigtermStopsTheRunAndTheRerunResumesIt() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            // lengths spread over the run, so results keep coming while it goes
            lines.add("{\"prompt\": \"story " + i + "\", \"max_tokens\": " + (8 + 6 * i) + ", \"ignore_eos\": true}");
        }
        Path in = dir.resolve("in.jsonl");
        Files.write(in, lines);
        Path out = dir.resolve("out.jsonl");
        Path err = dir.resolve("err.txt");

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), TdpipeCommand.class.getName()));
        command.addAll(args(in, out));
        Process child = new ProcessBuilder(command).redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (lines(out) < 3 && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(child.isAlive(), "the run ended before it could be stopped: " + Files.readString(err));
            child.destroy(); // SIGTERM
            assertTrue(child.waitFor(1, TimeUnit.MINUTES), "the stopped run did not exit");
        } finally {
            child.destroyForcibly();
        }
        String message = Files.readString(err, StandardCharsets.UTF_8);
        assertNotEquals(0, child.exitValue(), message);
        int kept = lines(out);
        assertTrue(kept >= 3 && kept < REQUESTS, kept + " results after SIGTERM");
        assertTrue(message.contains("interrupted by a signal: " + kept + " of " + REQUESTS + " requests written, "
                + (REQUESTS - kept) + " remain; rerun the same command to resume"), message);

        assertEquals(0, TdpipeCommand.execute(args(in, out).toArray(String[]::new)));
        Map<String, JsonNode> byId = new HashMap<>();
        for (String line : Files.readAllLines(out)) {
            JsonNode result = JSON.readTree(line);
            assertEquals(null, byId.put(result.get("id").asText(), result), "written twice: " + line);
        }
        assertEquals(REQUESTS, byId.size());
        for (int i = 0; i < REQUESTS; i++) {
            assertEquals(8 + 6 * i, byId.get(String.valueOf(i + 1)).get("usage").get("completion_tokens").asInt());
        }
    }

    private static int lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        return (int) Files.readAllLines(file).stream().filter(l -> l.endsWith("}")).count();
    }
}
