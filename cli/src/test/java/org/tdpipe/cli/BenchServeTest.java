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
    private final List<String> testHeaders = new java.util.concurrent.CopyOnWriteArrayList<>();

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
        testHeaders.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-Test")));
        if (!"Bearer k3y".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            respond(exchange, 401, "{\"error\": {\"message\": \"bad key\"}}");
            return;
        }
        if (!body.get("stream").asBoolean() || !body.get("stream_options").get("include_usage").asBoolean()
                || !body.get("model").asText().endsWith("fake-model") || body.get("max_tokens").asInt() < 1) {
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
        assertEquals(9.1, s.percentile(90), 1e-12);
        assertEquals(9.91, s.percentile(99), 1e-12);
        assertEquals(9.991, s.percentile(99.9), 1e-12);
        assertEquals(Math.sqrt(8.25), s.std(), 1e-12);
        LatencySummary none = LatencySummary.ofMillis(List.of());
        assertEquals(0, none.mean() + none.std() + none.median() + none.percentile(99));
        assertEquals(4.0, LatencySummary.ofMillis(List.of(4.0)).percentile(99));
    }

    @Test
    void metricsFollowVllmDefinitions() {
        List<RequestOutcome> outcomes = List.of(
                new RequestOutcome(null, 10, 5, 100 * MS, List.of(100 * MS, 50 * MS, 150 * MS, 100 * MS), 500 * MS, "abcde", 0),
                new RequestOutcome(null, 20, 1, 200 * MS, List.of(), 200 * MS, "f", 0).sentAt(100 * MS),
                new RequestOutcome(null, 30, 3, 300 * MS, List.of(200 * MS, 300 * MS), 800 * MS, "ghi", 0).sentAt(1_100 * MS),
                RequestOutcome.failed("HTTP 500: boom", 40, 5 * MS),
                RequestOutcome.failed("HTTP 500: boom", 40, 5 * MS),
                RequestOutcome.failed("timed out after 2.0 s", 40, 2000 * MS));
        ServeMetrics m = ServeMetrics.of(LoadPattern.closedLoop(4), outcomes, 2000 * MS);
        assertEquals(3, m.completed());
        assertEquals(3, m.failed());
        assertEquals(60, m.totalInputTokens(), "successful requests only");
        assertEquals(9, m.totalOutputTokens());
        assertEquals(1.5, m.requestThroughput(), 1e-12);
        assertEquals(4.5, m.outputThroughput(), 1e-12);
        assertEquals(34.5, m.totalTokenThroughput(), 1e-12);
        assertEquals(200, m.ttft().mean(), 1e-9);
        assertEquals(200, m.ttft().median(), 1e-9);
        assertEquals(298, m.ttft().percentile(99), 1e-9);
        // TPOT = (E2E - TTFT) / (output - 1): 400/4 = 100 and 500/2 = 250; the one-token request has none
        assertEquals(175, m.tpot().mean(), 1e-9);
        assertEquals(248.5, m.tpot().percentile(99), 1e-9);
        // ITL pools every gap: 50, 100, 100, 150, 200, 300
        assertEquals(150, m.itl().mean(), 1e-9);
        assertEquals(125, m.itl().median(), 1e-9);
        assertEquals(500, m.e2el().median(), 1e-9);
        assertEquals(Map.of("HTTP 500: boom", 2, "timed out after 2.0 s", 1), m.errors());
        // chunks at 0.1-0.5 s (5) and 0.3 s (1) fall in second 0, the third request's at 1.4-1.9 s in second 1
        assertEquals(6, m.peakOutputTokensPerSecond());
        assertEquals(2, m.peakConcurrentRequests(), "at most two of the successful requests overlap any second");

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        m.print(new PrintStream(text, true, StandardCharsets.UTF_8), ReportedPercentiles.DEFAULT);
        String block = text.toString(StandardCharsets.UTF_8);
        assertEquals(List.of("============ Serving Benchmark Result ============",
                "Successful requests:                     3         ",
                "Failed requests:                         3         ",
                "Maximum request concurrency:             4         ",
                "Benchmark duration (s):                  2.00      ",
                "Total input tokens:                      60        ",
                "Total generated tokens:                  9         ",
                "Request throughput (req/s):              1.50      ",
                "Output token throughput (tok/s):         4.50      ",
                "Peak output token throughput (tok/s):    6.00      ",
                "Peak concurrent requests:                2.00      ",
                "Total Token throughput (tok/s):          34.50     "), block.lines().limit(12).toList(), "vLLM's lines in vLLM's order");
        assertTrue(!block.contains("E2EL"), "E2EL only when asked: " + block);
        assertTrue(block.contains("Output token throughput (tok/s):         4.50"), block);
        assertTrue(block.contains("---------------Time to First Token----------------"), block);
        assertTrue(block.contains("-----Time per Output Token (excl. 1st token)------"), block);
        assertTrue(block.contains("P99 TTFT (ms):                           298.00"), block);
        assertTrue(block.contains("Failed 2 x: HTTP 500: boom"), block);
        Map<String, Object> json = m.toJson(ReportedPercentiles.DEFAULT);
        assertEquals(175.0, json.get("mean_tpot_ms"));
        assertEquals(248.5, (double) json.get("p99_tpot_ms"), 1e-9);
        assertEquals("inf", json.get("request_rate"));
        assertEquals(List.of("abcde", "f", "ghi", "", "", ""), json.get("generated_texts"));
        assertEquals(List.of("", "", "", "HTTP 500: boom", "HTTP 500: boom", "timed out after 2.0 s"), json.get("errors"));

        ReportedPercentiles asked = new ReportedPercentiles(List.of("ttft", "e2el"), List.of(50.0, 99.9));
        ByteArrayOutputStream more = new ByteArrayOutputStream();
        m.print(new PrintStream(more, true, StandardCharsets.UTF_8), asked);
        String withE2el = more.toString(StandardCharsets.UTF_8);
        assertTrue(withE2el.contains("----------------End-to-end Latency----------------"), withE2el);
        assertTrue(withE2el.contains("P99.9 E2EL (ms):"), withE2el);
        assertTrue(withE2el.contains("P50 TTFT (ms):"), withE2el);
        assertTrue(!withE2el.contains("TPOT"), withE2el);
        assertTrue(m.toJson(asked).containsKey("p99.9_e2el_ms"));
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
            m = ServeLoad.run(client, prompts, LoadPattern.closedLoop(3), 0);
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
            ServeMetrics m = ServeLoad.run(client, List.of(new BenchPrompt("a", 1, 1), new BenchPrompt("b", 1, 1)),
                    LoadPattern.closedLoop(2), 0);
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

    @Test
    void arrivalsArePoissonOrGammaWithTheAskedRateAndSeeded() {
        int n = 20_000;
        for (double burstiness : new double[] {1.0, 0.25, 4.0}) {
            long[] at = ArrivalSchedule.offsetsNanos(n, 50, burstiness, 7);
            assertEquals(0, at[0]);
            double[] gaps = new double[n - 1];
            for (int i = 1; i < n; i++) {
                gaps[i - 1] = (at[i] - at[i - 1]) / 1e9;
            }
            double mean = java.util.Arrays.stream(gaps).average().orElseThrow();
            double variance = java.util.Arrays.stream(gaps).map(g -> (g - mean) * (g - mean)).sum() / gaps.length;
            assertEquals(1 / 50.0, mean, 0.001, "mean gap at burstiness " + burstiness);
            // a gamma gap of shape k has squared coefficient of variation 1 / k
            assertEquals(1 / burstiness, variance / (mean * mean), 0.1 / burstiness, "burstiness " + burstiness);
            assertEquals(java.util.Arrays.toString(at), java.util.Arrays.toString(ArrivalSchedule.offsetsNanos(n, 50, burstiness, 7)));
        }
        assertEquals(0, java.util.Arrays.stream(ArrivalSchedule.offsetsNanos(10, Double.POSITIVE_INFINITY, 1, 7)).sum(),
                "an infinite rate sends everything at once");
    }

    private record Run(int code, String out, String err) {
    }

    private static Run benchServe(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            String[] all = new String[args.length + 1];
            all[0] = "bench-serve";
            System.arraycopy(args, 0, all, 1, args.length);
            return new Run(TdpipeCommand.execute(all), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void vllmsFlagsSaveVllmsResultFile() throws IOException {
        Path results = dir.resolve("results");
        Run run = benchServe("--backend", "vllm", "--host", "127.0.0.1", "--port", String.valueOf(server.getAddress().getPort()),
                "--model", "org/fake-model", "--header", "Authorization=Bearer k3y", "--header", "X-Test=on",
                "--dataset-name", "random", "--num-prompts", "6", "--random-input-len", "6", "--random-output-len", "3",
                "--request-rate", "40", "--burstiness", "0.5", "--max-concurrency", "2", "--percentile-metrics", "ttft,e2el",
                "--metric-percentiles", "50,90", "--save-result", "--result-dir", results.toString(), "--disable-tqdm");
        assertEquals(0, run.code(), run.out() + run.err());
        assertTrue(run.out().contains("Request rate configured (RPS):           40.00"), run.out());
        assertTrue(run.out().contains("P90 E2EL (ms):"), run.out());
        assertTrue(testHeaders.stream().allMatch("on"::equals), "every request carries the header: " + testHeaders);
        List<Path> files;
        try (var list = java.nio.file.Files.list(results)) {
            files = list.toList();
        }
        assertEquals(1, files.size(), files.toString());
        String name = files.getFirst().getFileName().toString();
        assertTrue(name.matches("vllm-40\\.0qps-concurrency2-fake-model-\\d{8}-\\d{6}\\.json"), name);
        JsonNode result = JSON.readTree(files.getFirst().toFile());
        assertEquals("org/fake-model", result.get("model_id").asText());
        assertEquals(6, result.get("num_prompts").asInt());
        assertEquals(40.0, result.get("request_rate").asDouble());
        assertEquals(0.5, result.get("burstiness").asDouble());
        assertEquals(2, result.get("max_concurrency").asInt());
        assertEquals(6, result.get("completed").asInt());
        assertEquals(6, result.get("max_concurrent_requests").asInt(), "vLLM counts requests active in the same second, all here");
        assertEquals(6, result.get("ttfts").size());
        assertEquals("abc", result.at("/generated_texts/0").asText());
        assertTrue(result.has("p90_e2el_ms") && result.has("median_ttft_ms") && !result.has("mean_tpot_ms"), result.toString());
    }

    @Test
    void contradictoryOrWrongFlagsAreOneLine() {
        String port = String.valueOf(server.getAddress().getPort());
        Run both = benchServe("--port", port, "--model", "fake-model", "--max-concurrency", "2", "--concurrency", "1,2");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("exclude each other"), both.err());
        Run metric = benchServe("--port", port, "--model", "fake-model", "--percentile-metrics", "ttft,latency");
        assertTrue(metric.err().contains("unknown metric 'latency'"), metric.err());
        Run rate = benchServe("--port", port, "--model", "fake-model", "--request-rate", "0");
        assertTrue(rate.err().contains("--request-rate must be > 0"), rate.err());
        Run ca = benchServe("--port", port, "--model", "fake-model", "--ca-cert", dir.resolve("none.pem").toString());
        assertTrue(ca.err().contains("--ca-cert " + dir.resolve("none.pem") + ": no such readable file"), ca.err());
    }

    @Test
    void overHttpsItTrustsTheGivenCaCertificate() throws Exception {
        org.tdpipe.runtime.grpc.SelfSignedCertificate cert = org.tdpipe.runtime.grpc.SelfSignedCertificate.create(dir, "bench");
        com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(cert.serverContext()));
        https.setExecutor(handlers);
        https.createContext("/v1/completions", this::complete);
        https.start();
        try {
            String url = "https://127.0.0.1:" + https.getAddress().getPort();
            String[] common = {"--base-url", url, "--model", "fake-model", "--api-key", "k3y", "--dataset-name", "random",
                "--num-prompts", "3", "--random-input-len", "4", "--random-output-len", "3"};
            Run untrusted = benchServe(common);
            assertEquals(2, untrusted.code(), untrusted.out());
            assertTrue(untrusted.err().contains("the initial test request"), untrusted.err());
            String[] trusted = java.util.Arrays.copyOf(common, common.length + 2);
            trusted[common.length] = "--ca-cert";
            trusted[common.length + 1] = cert.cert().toString();
            Run ok = benchServe(trusted);
            assertEquals(0, ok.code(), ok.out() + ok.err());
            assertTrue(ok.out().contains("Successful requests:                     3"), ok.out());
        } finally {
            https.stop(0);
        }
    }
}
