package org.tdpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulateCommandTest {
    @TempDir
    Path dir;

    /** Runs the CLI, returning exit code, stdout and stderr. */
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = TdpipeCommand.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void printsVllmThroughputLinesAndWritesTheJsonFields() throws IOException {
        Path json = dir.resolve("out.json");
        Path trace = dir.resolve("trace.json");
        Run r = run("simulate", "--num-requests", "200", "--policies", "td-pipe", "--json", json.toString(),
                "--trace", trace.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Throughput: "), r.out());
        assertTrue(r.out().contains("Total num prompt tokens:"), r.out());
        assertTrue(r.out().contains("Total num output tokens:"), r.out());
        JsonNode run = new ObjectMapper().readTree(json.toFile()).get("runs").get(0);
        for (String field : new String[] {"policy", "num_requests", "prompt_tokens", "output_tokens", "elapsed_s",
            "requests_per_s", "total_tokens_per_s", "output_tokens_per_s", "bubble_ratio", "bubble_breakdown", "stage_utilization",
            "preemptions", "phase_switches"}) {
            assertTrue(run.has(field), "missing " + field);
        }
        assertEquals(200, run.get("num_requests").asInt());
        assertEquals(4, run.get("stage_utilization").size());
        assertTrue(new ObjectMapper().readTree(trace.toFile()).get("traceEvents").size() > 4);
    }

    @Test
    void tdPipeShortOfMemoryReportsWhereItsPipelineWaitsAndTheTopUpStall() throws IOException {
        Path json = dir.resolve("out.json");
        Run r = run("simulate", "--num-requests", "200", "--kv-blocks", "1500", "--policies", "td-pipe",
                "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Where the pipeline waits"), r.out());
        JsonNode run = new ObjectMapper().readTree(json.toFile()).get("runs").get(0);
        JsonNode breakdown = run.get("bubble_breakdown");
        double sum = 0;
        for (String cause : new String[] {"fill_drain", "phase_switch", "top_up_stall", "batch_imbalance", "memory"}) {
            assertTrue(breakdown.get(cause).asDouble() >= 0, cause + " in " + breakdown);
            sum += breakdown.get(cause).asDouble();
        }
        assertEquals(run.get("bubble_ratio").asDouble(), sum, 1e-9);
        assertTrue(breakdown.get("top_up_stall").asDouble() > 0.01,
                "single prefill top-ups between decode rounds stall the pipeline: " + breakdown);
    }

    @Test
    void isDeterministicForASeed() {
        String[] args = {"simulate", "--num-requests", "100", "--policies", "td-pipe", "--seed", "7"};
        Run a = run(args);
        Run b = run(args);
        assertEquals(a.out().replaceAll("in [0-9.]+ s wall", ""), b.out().replaceAll("in [0-9.]+ s wall", ""));
    }

    @Test
    void badInputExitsNonZeroWithAClearMessage() throws IOException {
        assertFails(run("simulate", "--gpu", "v100"), "v100");
        assertFails(run("simulate", "--model", "gpt-5"), "gpt-5");
        assertFails(run("simulate", "--policies", "fastest"), "unknown policy 'fastest'");
        assertFails(run("simulate", "--profile", dir.resolve("missing.csv").toString()), "missing.csv");
        Path bad = Files.writeString(dir.resolve("bad.csv"), "Total Length,Execute Time\n1,2.0\n2,abc\n");
        assertFails(run("simulate", "--profile", bad.toString()), "bad.csv:3");
        assertFails(run("simulate", "--gpu", "rtx4090", "--gpus", "1", "--model", "llama-2-70b"), "llama-2-70b");
        assertFails(run("simulate", "--predictor", "psychic"), "psychic");
    }

    private static void assertFails(Run r, String mentioned) {
        assertTrue(r.code() != 0, "expected a non-zero exit: " + r.out());
        assertTrue(r.err().contains(mentioned), "error should mention '" + mentioned + "': " + r.err());
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
    }
}
