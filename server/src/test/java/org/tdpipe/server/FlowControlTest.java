package org.tdpipe.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The waiting-queue limit, client disconnects and graceful shutdown, with the engine's launches held by a gate. */
class FlowControlTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private Stories260KServer server;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.gate.open();
            server.close();
        }
    }

    private HttpRequest completion(String body) {
        return HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Test
    void aFullWaitingQueueAnswers429WithRetryAfterAndTheOthersFinish() throws Exception {
        server = Stories260KServer.start(Optional.empty(), 2);
        server.gate.hold();
        CompletableFuture<HttpResponse<String>> running = http.sendAsync(
                completion("{\"prompt\": \"Once\", \"max_tokens\": 4}"), HttpResponse.BodyHandlers.ofString());
        Stories260KServer.await(server.gate::engineWaiting, "the first request is launched");
        CompletableFuture<HttpResponse<String>> waiting = http.sendAsync(
                completion("{\"prompt\": \"Once\", \"max_tokens\": 4, \"n\": 2}"), HttpResponse.BodyHandlers.ofString());
        Stories260KServer.await(() -> server.server.engine().numWaiting() == 2, "two requests wait");

        HttpResponse<String> refused = http.send(completion("{\"prompt\": \"Hi\", \"max_tokens\": 4}"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(429, refused.statusCode(), refused.body());
        assertEquals("1", refused.headers().firstValue("Retry-After").orElseThrow());
        JsonNode error = JSON.readTree(refused.body()).get("error");
        assertEquals("rate_limit_error", error.get("type").asText());
        assertTrue(error.get("message").asText().contains("waiting queue is full"), error.toString());

        server.gate.open();
        assertEquals(200, running.get().statusCode());
        HttpResponse<String> both = waiting.get();
        assertEquals(200, both.statusCode());
        assertEquals(2, JSON.readTree(both.body()).get("choices").size());
    }

    @Test
    void aStreamingClientThatDisconnectsHasItsRequestAbortedAndItsBlocksFreed() throws Exception {
        server = Stories260KServer.start(Optional.empty(), 16);
        server.gate.hold();
        String body = "{\"prompt\": \"Once upon a time\", \"max_tokens\": 1000, \"ignore_eos\": true, \"stream\": true}";
        try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(Stories260KServer.post(body));
            out.flush();
            server.gate.release(3); // the prefill and two decode steps
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.startsWith("data: {")) {
                // status line and headers
            }
            assertTrue(line != null && line.contains("text_completion"), "a first chunk: " + line);
        }
        // one more token per step: the handler's next writes fail and abort the request
        server.stepUntilTheRequestIsAborted();
    }

    @Test
    void aClientThatDisconnectsFromANonStreamingRequestHasItAbortedAndItsBlocksFreed() throws Exception {
        server = Stories260KServer.start(Optional.empty(), 16);
        server.gate.hold();
        try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
            socket.getOutputStream().write(Stories260KServer.post("{\"prompt\": \"Once upon a time\", \"max_tokens\": 1000, \"ignore_eos\": true}"));
            server.gate.release(3); // the prefill and two decode steps
            Stories260KServer.await(() -> server.gate.engineWaiting() && server.server.engine().stats().usedBlocks() > 0,
                    "the request is running");
        }
        // nothing is written to a non-streaming client before its response, so only a read notices it left
        server.stepUntilTheRequestIsAborted();
    }

    @Test
    void theGaugesReadZeroWithin100MsOfTheLastAbort() throws Exception {
        server = Stories260KServer.start(Optional.empty(), 16);
        String body = "{\"prompt\": \"Once upon a time\", \"max_tokens\": 1000, \"ignore_eos\": true, \"stream\": true}";
        try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(Stories260KServer.post(body));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.startsWith("data: {")) {
                // status line and headers
            }
            Stories260KServer.await(() -> gauge("vllm:num_requests_running") == 1, "the gauge shows the request running");
        }
        Stories260KServer.await(() -> !server.finished.isEmpty(), "the request is aborted");
        long aborted = System.nanoTime();
        while (gauge("vllm:num_requests_running") != 0 || gauge("vllm:kv_cache_usage_perc") != 0
                || gauge("vllm:num_requests_waiting") != 0) {
            assertTrue(System.nanoTime() - aborted < 100_000_000L, "the gauges are still not 0 100 ms after the abort");
        }
    }

    /** The value of an unlabelled (but for model_name) series of {@code /metrics}. */
    private double gauge(String name) {
        String text;
        try {
            text = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("cannot scrape /metrics", e);
        }
        return text.lines().filter(l -> l.startsWith(name + "{")).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(name + " missing from " + text));
    }

    @Test
    void aRequestPipelinedBehindARunningOneIsAnsweredToo() throws Exception {
        server = Stories260KServer.start(Optional.empty(), 16);
        server.gate.hold();
        try (Socket socket = new Socket("127.0.0.1", server.server.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(Stories260KServer.post("{\"prompt\": \"Once\", \"max_tokens\": 3, \"ignore_eos\": true}"));
            Stories260KServer.await(server.gate::engineWaiting, "the first request is launched");
            out.write(Stories260KServer.post("{\"prompt\": \"Lily\", \"max_tokens\": 2, \"ignore_eos\": true}"));
            Thread.sleep(200); // the watcher of the first request reads the second one and hands it back
            server.gate.open();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            JsonNode first = JSON.readTree(readResponseBody(in));
            JsonNode second = JSON.readTree(readResponseBody(in));
            assertEquals(3, first.get("usage").get("completion_tokens").asInt(), first.toString());
            assertEquals(2, second.get("usage").get("completion_tokens").asInt(), second.toString());
        }
    }

    /** One HTTP/1.1 response with a status of 200 and a body of known length or chunked. */
    private static String readResponseBody(InputStream in) throws IOException {
        String status = readLine(in);
        assertTrue(status.startsWith("HTTP/1.1 200"), status);
        int length = -1;
        boolean chunked = false;
        for (String header; !(header = readLine(in)).isEmpty();) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(lower.substring("content-length:".length()).trim());
            }
            chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
        }
        if (!chunked) {
            return new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }
        StringBuilder body = new StringBuilder();
        for (int size; (size = Integer.parseInt(readLine(in).trim(), 16)) > 0;) {
            body.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
            readLine(in);
        }
        readLine(in);
        return body.toString();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != '\n';) {
            if (c < 0) {
                throw new EOFException("connection closed after: " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Test
    void shutdownRefusesNewRequestsAndFinishesTheOnesInFlight() throws Exception {
        server = Stories260KServer.start(Optional.empty(), 16);
        server.gate.hold();
        CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(
                completion("{\"prompt\": \"Once\", \"max_tokens\": 6, \"ignore_eos\": true, \"stream\": true}"),
                HttpResponse.BodyHandlers.ofString());
        Stories260KServer.await(server.gate::engineWaiting, "the request is launched");
        Thread closer = Thread.ofVirtual().start(() -> {
            try {
                server.server.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Stories260KServer.await(() -> !server.server.engine().isAccepting(), "the engine stops accepting");
        HttpResponse<String> refused = http.send(completion("{\"prompt\": \"Hi\", \"max_tokens\": 2}"), HttpResponse.BodyHandlers.ofString());
        assertEquals(503, refused.statusCode(), refused.body());
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(503, health.statusCode());

        server.gate.open();
        HttpResponse<String> finished = inFlight.get();
        closer.join();
        assertEquals(200, finished.statusCode());
        assertTrue(finished.body().contains("\"finish_reason\":\"length\""), finished.body());
        assertTrue(finished.body().endsWith("data: [DONE]\n\n"), finished.body());
        server.source.close();
        server = null;
    }
}
