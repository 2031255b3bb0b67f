package org.tdpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchModelCommandTest {
    private static final String HEADER = "| model                          |       size |     params | backend    | threads |            test |"
            + "                  t/s |";
    private static final String RULE = "| ------------------------------ | ---------: | ---------: | ---------- | ------: | --------------: |"
            + " -------------------: |";

    @TempDir
    Path dir;

    /** The cells of a markdown table row, trimmed. */
    private static List<String> cells(String row) {
        return Arrays.stream(row.substring(1, row.length() - 1).split("\\|")).map(String::strip).toList();
    }

    private static double tokensPerSecond(List<String> cells) {
        return Double.parseDouble(cells.get(6).split(" ± ")[0]);
    }

    @Test
    void printsLlamaBenchsTableWithAPromptAndAGenerationRow() {
        SimulateCommandTest.Run run = SimulateCommandTest.run("bench-model", "--model", "dummy:llama-260k", "-p", "16", "-n", "4",
                "-r", "2", "-t", "1");
        assertEquals(0, run.code(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals(4, lines.size(), run.out());
        assertEquals(HEADER, lines.get(0));
        assertEquals(RULE, lines.get(1));
        List<String> pp = cells(lines.get(2));
        assertEquals(List.of("llama 260K F32", "0.99 MiB", "0.26 M", "CPU (Java)", "1", "pp16"), pp.subList(0, 6));
        assertTrue(tokensPerSecond(pp) > 0, lines.get(2));
        List<String> tg = cells(lines.get(3));
        assertEquals("tg4", tg.get(5));
        assertTrue(tokensPerSecond(tg) > 0, lines.get(3));
        assertEquals(HEADER.length(), lines.get(3).length(), "rows are as wide as the header");
    }

    @Test
    void writesEveryTestAsJsonAndSkipsTheLengthsThatAreZero() throws IOException {
        Path json = dir.resolve("bench.json");
        SimulateCommandTest.Run run = SimulateCommandTest.run("bench-model", "--model", "dummy:llama-260k:q8_0", "--n-prompt", "0",
                "--n-gen", "4,2", "--repetitions", "2", "--threads", "1", "--json", json.toString());
        assertEquals(0, run.code(), run.err());
        JsonNode results = new ObjectMapper().readTree(json.toFile()).get("results");
        assertEquals(2, results.size());
        JsonNode tg = results.get(0);
        assertEquals("tg4", tg.get("test").asText());
        assertEquals("llama 260K Q8_0", tg.get("model").asText());
        assertEquals(0, tg.get("n_prompt").asInt());
        assertEquals(4, tg.get("n_gen").asInt());
        assertEquals(1, tg.get("threads").asInt());
        assertEquals(260_032, tg.get("params").asLong());
        assertTrue(tg.get("size_bytes").asLong() > 0);
        assertTrue(tg.get("tokens_per_s").asDouble() > 0);
        assertTrue(tg.get("stddev").asDouble() >= 0);
        assertEquals(2, tg.get("samples_ts").size());
        assertEquals("tg2", results.get(1).get("test").asText());
        assertTrue(run.out().lines().noneMatch(l -> l.contains("pp")), run.out());
    }

    @Test
    void theModelColumnRoundsTheParametersToTwoSignificantDigits() {
        assertEquals("260K", ModelBenchReport.roundedParams(260_032));
        assertEquals("110M", ModelBenchReport.roundedParams(110_890_000));
        assertEquals("1M", ModelBenchReport.roundedParams(999_600));
        assertEquals("1.1B", ModelBenchReport.roundedParams(1_100_048_384));
        assertEquals("6.7B", ModelBenchReport.roundedParams(6_738_415_616L));
        assertEquals("13B", ModelBenchReport.roundedParams(13_015_864_320L));
    }

    @Test
    void badFlagsExitWithAOneLineMessage() {
        assertRefused("tdpipe: -p/--n-prompt must be >= 0, got -1", "-p", "-1");
        assertRefused("tdpipe: -n/--n-gen must be >= 0, got -2", "-n", "-2");
        assertRefused("tdpipe: -t/--threads must be >= 1, got 0", "-t", "0");
        assertRefused("tdpipe: -r/--repetitions must be >= 1, got 0", "-r", "0");
        assertRefused("tdpipe: nothing to measure: -p and -n are both 0", "-p", "0", "-n", "0");
        assertRefused("tdpipe: pp600 needs 600 positions, more than the context length 512 of dummy:llama-260k", "-p", "600");
        SimulateCommandTest.Run missing = SimulateCommandTest.run("bench-model", "--model", dir.resolve("absent.gguf").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("tdpipe: " + dir.resolve("absent.gguf")) && missing.err().strip().lines().count() == 1,
                missing.err());
    }

    private static void assertRefused(String message, String... flags) {
        String[] args = new String[flags.length + 3];
        args[0] = "bench-model";
        args[1] = "--model";
        args[2] = "dummy:llama-260k";
        System.arraycopy(flags, 0, args, 3, flags.length);
        SimulateCommandTest.Run run = SimulateCommandTest.run(args);
        assertEquals(2, run.code(), run.out());
        assertEquals(message, run.err().strip());
        assertEquals("", run.out());
    }
}
