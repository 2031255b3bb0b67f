package org.tdpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpipe.runtime.LlamaStageComputation;
import org.tdpipe.runtime.grpc.StageWorkerServer;
import org.tdpipe.runtime.grpc.WorkerAddress;
import org.tdpipe.runtime.grpc.WorkerSecurity;

class GenerateCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static String stories(String file) {
        String root = System.getProperty("tdpipe.shared.data");
        assumeTrue(root != null, "tdpipe.shared.data not set; skipping");
        Path p = Path.of(root, "models", "stories260K", file);
        assumeTrue(Files.exists(p), p + " absent; skipping");
        return p.toString();
    }

    private List<JsonNode> generate(String model, List<String> lines, String... extra) throws IOException {
        Path in = dir.resolve("in.jsonl");
        Path out = dir.resolve("out.jsonl");
        Files.write(in, lines);
        Files.deleteIfExists(out);
        List<String> args = new ArrayList<>(List.of("generate", "--model", model, "--input", in.toString(),
                "--output", out.toString(), "--threads", "2"));
        args.addAll(List.of(extra));
        assertEquals(0, TdpipeCommand.execute(args.toArray(String[]::new)));
        return inInputOrder(lines, Files.readAllLines(out));
    }

    /** The results (written as they finish) in the order of the input lines. */
    static List<JsonNode> inInputOrder(List<String> input, List<String> output) throws IOException {
        Map<String, JsonNode> byId = new HashMap<>();
        for (String line : output) {
            JsonNode result = JSON.readTree(line);
            assertNull(byId.put(result.get("id").asText(), result), "id written twice: " + line);
        }
        List<JsonNode> ordered = new ArrayList<>();
        for (int i = 0; i < input.size(); i++) {
            JsonNode id = JSON.readTree(input.get(i)).get("id");
            ordered.add(byId.get(id != null ? id.asText() : String.valueOf(i + 1)));
        }
        assertEquals(input.size(), output.size(), "one result per input line");
        return ordered;
    }

    @Test
    void batchOfPromptsMatchesTheGreedyReference() throws IOException {
        String model = stories("stories260K.gguf");
        JsonNode golden = JSON.readTree(Path.of(stories("reference_greedy_200.json")).toFile());
        List<JsonNode> out = generate(model, List.of(
                "{\"prompt\": \"Once upon a time\", \"max_tokens\": 25}",
                "{\"id\": \"bos\", \"prompt\": \"\", \"max_tokens\": 60}",
                "{\"prompt\": \"\", \"max_tokens\": 60, \"stop\": \"Lily\"}"),
                "--temperature", "0");
        assertEquals(3, out.size());
        JsonNode bos = out.get(1);
        assertEquals("bos", bos.get("id").asText());
        assertEquals(60, bos.get("usage").get("completion_tokens").asInt());
        assertEquals("length", bos.get("finish_reason").asText());
        for (int i = 0; i < 60; i++) {
            assertEquals(golden.get("tokens_including_bos").get(i + 1).asInt(), bos.get("token_ids").get(i).asInt(), "token " + i);
        }
        assertTrue(golden.get("decoded_text").asText().startsWith(bos.get("text").asText()));
        JsonNode stopped = out.get(2);
        assertEquals("stop", stopped.get("finish_reason").asText());
        assertEquals("Once upon a time, there was a little girl named ", stopped.get("text").asText());
    }

    @Test
    void batchingAndPreemptionDoNotChangeGreedyOutput() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            lines.add("{\"prompt\": \"prompt number " + i + " " + "x".repeat(7 * i) + "\", \"max_tokens\": 24, \"ignore_eos\": true}");
        }
        List<JsonNode> together = generate("dummy:llama-260k", lines, "--temperature", "0");
        // a KV cache of ~6 blocks forces preemption by recompute
        List<JsonNode> squeezed = generate("dummy:llama-260k", lines, "--temperature", "0", "--kv-cache-mib", "0.12",
                "--max-batched-tokens", "32", "--policy", "pp-chunked");
        List<JsonNode> squeezedTdPipe = generate("dummy:llama-260k", lines, "--temperature", "0", "--kv-cache-mib", "0.12");
        for (int i = 0; i < lines.size(); i++) {
            List<JsonNode> alone = generate("dummy:llama-260k", List.of(lines.get(i)), "--temperature", "0");
            assertEquals(alone.get(0).get("token_ids"), together.get(i).get("token_ids"), "prompt " + i);
            assertEquals(alone.get(0).get("token_ids"), squeezed.get(i).get("token_ids"), "prompt " + i + " with preemption");
            assertEquals(alone.get(0).get("token_ids"), squeezedTdPipe.get(i).get("token_ids"), "prompt " + i + " with preemption, td-pipe-adaptive");
            assertEquals(24, together.get(i).get("usage").get("completion_tokens").asInt());
        }
    }

    @Test
    void localStagePipelinesGiveTheOneStageOutputTokenForToken() throws IOException {
        String model = stories("stories260K.gguf");
        List<String> lines = List.of(
                "{\"prompt\": \"\", \"max_tokens\": 200, \"ignore_eos\": true}",
                "{\"prompt\": \"Once upon a time\", \"max_tokens\": 40}",
                "{\"prompt\": \"Lily and Tom\", \"max_tokens\": 40, \"stop\": \"park\"}",
                "{\"prompt\": \"The sun\", \"max_tokens\": 40, \"seed\": 3, \"temperature\": 0.8}");
        List<JsonNode> one = generate(model, lines, "--temperature", "0", "--stages", "1");
        JsonNode golden = JSON.readTree(Path.of(stories("reference_greedy_200.json")).toFile());
        for (int i = 0; i < 200; i++) {
            assertEquals(golden.get("tokens_including_bos").get(i + 1).asInt(), one.get(0).get("token_ids").get(i).asInt(), "token " + i);
        }
        List<List<String>> layouts = List.of(List.of("--stages", "2"), List.of("--stages", "2", "--layer-split", "1,4"),
                List.of("--stages", "3", "--threads-per-stage", "1"), List.of("--stages", "4", "--executor", "local"),
                List.of("--stages", "5"), List.of("--tensor-parallel", "2"), List.of("--stages", "2", "--tensor-parallel", "2"),
                List.of("--stages", "2", "--policy", "tp"), List.of("--tensor-parallel", "4", "--policy", "tp"));
        for (List<String> layout : layouts) {
            List<String> args = new ArrayList<>(List.of("--temperature", "0"));
            args.addAll(layout);
            assertEquals(one, generate(model, lines, args.toArray(String[]::new)), String.join(" ", layout));
        }
    }

    @Test
    void grpcWorkersGiveTheOneStageOutputTokenForToken() throws IOException {
        String model = stories("stories260K.gguf");
        List<String> lines = List.of(
                "{\"prompt\": \"\", \"max_tokens\": 60, \"ignore_eos\": true}",
                "{\"prompt\": \"Lily and Tom\", \"max_tokens\": 40, \"stop\": \"park\", \"logprobs\": 2}",
                "{\"prompt\": \"The sun\", \"max_tokens\": 40, \"seed\": 3, \"temperature\": 0.8, \"repetition_penalty\": 1.3}");
        List<JsonNode> one = generate(model, lines, "--temperature", "0", "--stages", "1");
        try (StageWorkerServer a = worker(); StageWorkerServer b = worker()) {
            List<JsonNode> grpc = generate(model, lines, "--temperature", "0", "--executor", "grpc", "--token", "t0k",
                    "--workers", a.address() + "," + b.address(), "--batch-timeout", "30", "--on-worker-failure", "wait");
            for (int i = 0; i < lines.size(); i++) {
                for (String field : List.of("text", "token_ids", "finish_reason")) {
                    assertEquals(one.get(i).get(field), grpc.get(i).get(field), "request " + i + " " + field);
                }
            }
            // log-probabilities come back too (equal up to float rounding: the stages' kernels split work differently)
            assertEquals(one.get(1).get("logprobs").findValues("token"), grpc.get(1).get("logprobs").findValues("token"));
            assertEquals(one.get(1).get("logprobs").get(0).get("logprob").asDouble(),
                    grpc.get(1).get("logprobs").get(0).get("logprob").asDouble(), 1e-4);
        }
    }

    private static StageWorkerServer worker() {
        return StageWorkerServer.start(new WorkerAddress("127.0.0.1", 0), new WorkerSecurity(Optional.of("t0k"), Optional.empty()), LlamaStageComputation::loadRank,
                message -> { });
    }

    @Test
    void faultHandlingOptionsAreChecked() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertEquals(2, TdpipeCommand.execute("generate", "--model", "dummy:llama-260k", "--prompt", "x",
                    "--stages", "2", "--on-worker-failure", "wait"));
            assertEquals(2, TdpipeCommand.execute("generate", "--model", "dummy:llama-260k", "--prompt", "x",
                    "--stages", "2", "--batch-timeout", "0"));
            assertEquals(2, TdpipeCommand.execute("generate", "--model", "dummy:llama-260k", "--prompt", "x",
                    "--stages", "2", "--batch-timeout", "soon"));
            assertEquals(2, TdpipeCommand.execute("generate", "--model", "dummy:llama-260k", "--prompt", "x",
                    "--executor", "grpc", "--workers", "127.0.0.1:1", "--spare-workers", "127.0.0.1:2"));
            assertEquals(2, TdpipeCommand.execute("generate", "--model", "dummy:llama-260k", "--prompt", "x",
                    "--stages", "2", "--spare-workers", "127.0.0.1:2"));
            assertEquals(2, TdpipeCommand.execute("generate", "--model", "dummy:llama-260k", "--prompt", "x",
                    "--tensor-parallel", "0"));
            assertEquals(2, TdpipeCommand.execute("generate", "--model", "dummy:llama-260k", "--prompt", "x",
                    "--executor", "grpc", "--workers", "127.0.0.1:1", "--tensor-parallel", "2"));
            assertEquals(2, TdpipeCommand.execute("logits", "--model", "dummy:llama-260k", "--token-ids", "1,2",
                    "--tensor-parallel", "2"));
        } finally {
            System.setErr(old);
        }
        String message = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(message.contains("--on-worker-failure wait needs --executor grpc"), message);
        assertTrue(message.contains("--batch-timeout must be a positive number of seconds, got 0.0"), message);
        assertTrue(message.contains("--batch-timeout must be a number of seconds or auto, got 'soon'"), message);
        assertTrue(message.contains("--spare-workers needs --on-worker-failure wait"), message);
        assertTrue(message.contains("--spare-workers needs --executor grpc"), message);
        assertTrue(message.contains("--tensor-parallel must be >= 1, got 0"), message);
        assertTrue(message.contains("--tensor-parallel 2 with --executor grpc needs 2 --workers, one rank each, not 1"), message);
        assertTrue(message.contains("tdpipe logits runs unsplit stages: --tensor-parallel is for generate, bench, serve and profile --stage-table"), message);
    }

    @Test
    void grpcNeedsOneWorkerPerStage() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertEquals(2, TdpipeCommand.execute("generate", "--model", "dummy:llama-260k", "--prompt", "x",
                    "--executor", "grpc", "--stages", "3", "--workers", "127.0.0.1:1,127.0.0.1:2"));
            assertEquals(2, TdpipeCommand.execute("generate", "--model", "dummy:llama-260k", "--prompt", "x",
                    "--executor", "grpc"));
        } finally {
            System.setErr(old);
        }
        String message = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(message.contains("--stages is 3 but --workers names 2 workers"), message);
        assertTrue(message.contains("--executor grpc needs --workers"), message);
    }

    @Test
    void aLayerSplitThatDoesNotFitTheModelIsRefused() {
        String model = stories("stories260K.gguf");
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        int code;
        try {
            code = TdpipeCommand.execute("generate", "--model", model, "--prompt", "x", "--stages", "2", "--layer-split", "3,3");
        } finally {
            System.setErr(old);
        }
        assertEquals(2, code);
        assertTrue(err.toString(java.nio.charset.StandardCharsets.UTF_8).contains(
                "layer split '3,3' covers 6 layers but the model has 5"), err.toString());
    }

    @Test
    void seededSamplingIsReproducibleInAnyBatch() throws IOException {
        String line = "{\"prompt\": \"seeded\", \"max_tokens\": 16, \"temperature\": 1.0, \"seed\": 11, \"ignore_eos\": true}";
        List<JsonNode> alone = generate("dummy:llama-260k", List.of(line));
        List<JsonNode> batch = generate("dummy:llama-260k", List.of(
                "{\"prompt\": \"another one\", \"max_tokens\": 9, \"temperature\": 1.0}", line,
                "{\"prompt\": \"and a third\", \"max_tokens\": 30, \"temperature\": 0.7}"));
        assertEquals(alone.get(0).get("token_ids"), batch.get(1).get("token_ids"));
    }

    @Test
    void badInputNamesTheLine() throws IOException {
        Path in = dir.resolve("bad.jsonl");
        Files.write(in, List.of("{\"prompt\": \"ok\"}", "{\"prompt\": \"x\", \"temperature\": -1}"));
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        int code;
        try {
            code = TdpipeCommand.execute("generate", "--model", "dummy:llama-260k", "--input", in.toString(), "--strict");
        } finally {
            System.setErr(old);
        }
        assertEquals(2, code);
        String message = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(message.contains("1 malformed line(s) (--strict): " + in + " line 2: temperature must be"), message);
    }
}
