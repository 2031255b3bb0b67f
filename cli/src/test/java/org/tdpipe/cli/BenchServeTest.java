package org.tdpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench-serve}'s statistics from fixed measurements, and its client against a fake streaming server. */
class BenchServeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MS = 1_000_000;
    private static final long CHUNK_DELAY_MS = 20;

    @TempDir
    Path dir;

    private HttpServer server;
    private ExecutorService handlers;
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void startFakeServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        handlers = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(handlers);
        server.createContext("/v1/completions", this::complete);
        server.start();
    }

    @AfterEach
    void stopFakeServer() {
        release.countDown();
        server.stop(0);
        handlers.close();
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/completions");
    }

    /** Streams three one-token chunks CHUNK_DELAY_MS apart, or misbehaves as the prompt asks. */
    private void complete(HttpExchange exchange) throws IOException {
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        if (!"Bearer k3y".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            respond(exchange, 401, "{\"error\": {\"message\": \"bad key\"}}");
            return;
        }
        if (!body.get("stream").asBoolean() || !body.get("stream_options").get("include_usage").asBoolean()
                || !body.get("model").asText().equals("fake-model") || body.get("max_tokens").asInt() < 1) {
            respond(exchange, 400, "{\"error\": {\"message\": \"unexpected request " + body + "\"}}");
            return;
        }
        String prompt = body.get("prompt").asText();
        if (prompt.equals("http500")) {
            respond(exchange, 500, "{\"error\": {\"message\": \"engine exploded\"}}");
            return;
        }
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            switch (prompt) {
                case "malformed" -> event(out, "{not json");
                case "error-event" -> event(out, "{\"error\": {\"message\": \"out of KV blocks\"}}");
                case "cut" -> event(out, chunk("a"));
                case "stall" -> {
                    event(out, chunk("a"));
                    await();
                }
                default -> {
                    for (String text : List.of("a", "b", "c")) {
                        sleep(CHUNK_DELAY_MS);
                        event(out, chunk(text));
                    }
                    event(out, "{\"choices\": [], \"usage\": {\"prompt_tokens\": 7, \"completion_tokens\": 3, \"total_tokens\": 10}}");
                    out.write(": a comment line\n\n".getBytes(StandardCharsets.UTF_8));
                    event(out, "[DONE]");
                }
            }
        }
    }

    private static String chunk(String text) {
        return "{\"id\": \"cmpl-1\", \"object\": \"text_completion\", \"choices\": [{\"index\": 0, \"text\": \"" + text
                + "\", \"finish_reason\": null}], \"usage\": null}";
    }

    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void await() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private StreamingCompletionClient client(URI endpoint, String key) {
        return new StreamingCompletionClient(endpoint, "fake-model", Optional.ofNullable(key), false, Duration.ofSeconds(2));
    }

    @Test
    void percentilesInterpolateLinearly() {
        LatencySummary s = LatencySummary.ofMillis(List.of(10.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0));
        assertEquals(5.5, s.mean(), 1e-12);
        assertEquals(5.5, s.median(), 1e-12);
        assertEquals(9.1, s.p90(), 1e-12);
        assertEquals(9.91, s.p99(), 1e-12);
        assertEquals(Math.sqrt(8.25), s.std(), 1e-12);
        assertEquals(LatencySummary.EMPTY, LatencySummary.ofMillis(List.of()));
        assertEquals(4.0, LatencySummary.ofMillis(List.of(4.0)).p99());
    }

    @Test
    void metricsFollowVllmDefinitions() {
        List<RequestOutcome> outcomes = List.of(
                new RequestOutcome(null, 10, 5, 100 * MS, List.of(100 * MS, 50 * MS, 150 * MS, 100 * MS), 500 * MS),
                new RequestOutcome(null, 20, 1, 200 * MS, List.of(), 200 * MS),
                new RequestOutcome(null, 30, 3, 300 * MS, List.of(200 * MS, 300 * MS), 800 * MS),
                RequestOutcome.failed("HTTP 500: boom", 40, 5 * MS),
                RequestOutcome.failed("HTTP 500: boom", 40, 5 * MS),
                RequestOutcome.failed("timed out after 2.0 s", 40, 2000 * MS));
        ServeMetrics m = ServeMetrics.of(4, outcomes, 2000 * MS);
        assertEquals(3, m.completed());
        assertEquals(3, m.failed());
        assertEquals(60, m.totalInputTokens(), "successful requests only");
        assertEquals(9, m.totalOutputTokens());
        assertEquals(1.5, m.requestThroughput(), 1e-12);
        assertEquals(4.5, m.outputThroughput(), 1e-12);
        assertEquals(34.5, m.totalTokenThroughput(), 1e-12);
        assertEquals(200, m.ttft().mean(), 1e-9);
        assertEquals(200, m.ttft().median(), 1e-9);
        assertEquals(298, m.ttft().p99(), 1e-9);
        // TPOT = (E2E - TTFT) / (output - 1): 400/4 = 100 and 500/2 = 250; the one-token request has none
        assertEquals(175, m.tpot().mean(), 1e-9);
        assertEquals(248.5, m.tpot().p99(), 1e-9);
        // ITL pools every gap: 50, 100, 100, 150, 200, 300
        assertEquals(150, m.itl().mean(), 1e-9);
        assertEquals(125, m.itl().median(), 1e-9);
        assertEquals(500, m.e2el().median(), 1e-9);
        assertEquals(Map.of("HTTP 500: boom", 2, "timed out after 2.0 s", 1), m.errors());

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        m.print(new PrintStream(text, true, StandardCharsets.UTF_8));
        String block = text.toString(StandardCharsets.UTF_8);
        assertTrue(block.contains("Successful requests:                     3"), block);
        assertTrue(block.contains("Output token throughput (tok/s):         4.50"), block);
        assertTrue(block.contains("---------------Time to First Token----------------"), block);
        assertTrue(block.contains("-----Time per Output Token (excl. 1st token)------"), block);
        assertTrue(block.contains("P99 TTFT (ms):                           298.00"), block);
        assertTrue(block.contains("Failed 2 x: HTTP 500: boom"), block);
        assertEquals(175.0, m.toJson().get("mean_tpot_ms"));
    }

    @Test
    void aStreamedCompletionIsTimedFromSendToEachChunk() {
        try (StreamingCompletionClient client = client(endpoint(), "k3y")) {
            RequestOutcome ok = client.send(new BenchPrompt("hello there", 2, 3));
            assertTrue(ok.succeeded(), ok.error());
            assertEquals(7, ok.promptTokens(), "the server's usage wins over the estimate");
            assertEquals(3, ok.outputTokens());
            assertEquals(2, ok.itlNanos().size());
            // the server waits CHUNK_DELAY_MS before every chunk: the k-th chunk cannot arrive before k delays
            // (single gaps can be shorter when the previous chunk was delivered late)
            long lastChunk = ok.ttftNanos() + ok.itlNanos().stream().mapToLong(Long::longValue).sum();
            assertTrue(ok.ttftNanos() >= CHUNK_DELAY_MS * MS, "TTFT " + ok.ttftNanos());
            assertTrue(lastChunk >= 3 * CHUNK_DELAY_MS * MS, "last chunk at " + lastChunk);
            assertTrue(ok.e2eNanos() >= lastChunk);
        }
    }

    @Test
    void everyKindOfFailureIsReportedPerRequestAndNothingHangs() {
        List<BenchPrompt> prompts = List.of(new BenchPrompt("fine", 1, 3), new BenchPrompt("http500", 1, 3),
                new BenchPrompt("malformed", 1, 3), new BenchPrompt("error-event", 1, 3), new BenchPrompt("cut", 1, 3),
                new BenchPrompt("stall", 1, 3), new BenchPrompt("also fine", 1, 3));
        ServeMetrics m;
        try (StreamingCompletionClient client = client(endpoint(), "k3y")) {
            m = ServeLoad.run(client, prompts, 3);
        }
        assertEquals(2, m.completed());
        assertEquals(5, m.failed());
        assertEquals(Map.of(
                "HTTP 500: {\"error\": {\"message\": \"engine exploded\"}}", 1,
                "malformed SSE event (not JSON): '{not json'", 1,
                "error in the stream: out of KV blocks", 1,
                "stream ended before 'data: [DONE]'", 1,
                "timed out after 2.0 s", 1), m.errors());

        try (StreamingCompletionClient noKey = client(endpoint(), null)) {
            assertEquals("HTTP 401: {\"error\": {\"message\": \"bad key\"}}", noKey.send(prompts.getFirst()).error());
        }
    }

    @Test
    void aServerThatIsNotThereFailsEveryRequestQuickly() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + port + "/v1/completions");
        try (StreamingCompletionClient client = client(nowhere, "k3y")) {
            ServeMetrics m = ServeLoad.run(client, List.of(new BenchPrompt("a", 1, 1), new BenchPrompt("b", 1, 1)), 2);
            assertEquals(0, m.completed());
            assertEquals(2, m.failed());
            assertTrue(m.errors().keySet().iterator().next().startsWith("cannot connect to " + nowhere), m.errors().toString());
        }
        assertEquals(2, TdpipeCommand.execute("bench-serve", "--base-url", "http://127.0.0.1:" + port, "--model", "fake-model",
                "--dataset", "random", "--num-prompts", "2", "--random-input-len", "4", "--random-output-len", "2"));
    }

    @Test
    void theCommandReportsEveryConcurrencyLevel() throws IOException {
        Path json = dir.resolve("bench.json");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(text, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = TdpipeCommand.execute("bench-serve", "--base-url", "http://127.0.0.1:" + server.getAddress().getPort(),
                    "--model", "fake-model", "--api-key", "k3y", "--dataset", "random", "--num-prompts", "5",
                    "--random-input-len", "6", "--random-output-len", "3", "--concurrency", "1,4", "--json", json.toString());
        } finally {
            System.setOut(old);
        }
        String report = text.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, report);
        assertTrue(report.contains("Maximum request concurrency:             1"), report);
        assertTrue(report.contains("Maximum request concurrency:             4"), report);
        assertTrue(report.contains("| concurrency | req/s | output tok/s | TTFT p50 ms"), report);
        JsonNode root = JSON.readTree(json.toFile());
        assertEquals(2, root.get("runs").size());
        for (JsonNode run : root.get("runs")) {
            assertEquals(5, run.get("completed").asInt());
            assertEquals(15, run.get("total_output_tokens").asInt());
            assertEquals(35, run.get("total_input_tokens").asInt());
            assertTrue(run.get("median_ttft_ms").asDouble() >= CHUNK_DELAY_MS);
        }
    }

    @Test
    void shareGptPromptsFollowTheTraceLengths() {
        String root = System.getProperty("tdpipe.shared.data");
        org.junit.jupiter.api.Assumptions.assumeTrue(root != null && Path.of(root, WorkloadTrace.SHAREGPT).toFile().exists(),
                "ShareGPT trace absent; skipping");
        WorkloadTrace trace = WorkloadTrace.load(null, 50, 1);
        List<BenchPrompt> prompts = BenchDataset.shareGpt(trace, 50, 1, new LengthScaling(200, Integer.MAX_VALUE), 64);
        assertEquals(50, prompts.size());
        assertEquals(prompts, BenchDataset.shareGpt(trace, 50, 1, new LengthScaling(200, Integer.MAX_VALUE), 64), "seeded");
        for (BenchPrompt p : prompts) {
            assertTrue(p.estimatedTokens() <= 200 && p.maxTokens() <= 64, p.toString());
            assertEquals(p.estimatedTokens(), p.text().split(" ").length);
        }
        List<BenchPrompt> random = BenchDataset.random(20, 100, 10, 0.5, 3);
        assertTrue(random.stream().allMatch(p -> p.estimatedTokens() >= 50 && p.estimatedTokens() <= 150 && p.maxTokens() >= 5
                && p.maxTokens() <= 15), random.toString());
    }
}
