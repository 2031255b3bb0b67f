package org.tdpipe.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vLLM's Grafana dashboard ({@code examples/online_serving/prometheus_grafana/grafana.json} in
 * vllm-project/vllm) against tdpipe: a real Prometheus server (Debian's {@code prometheus}) scrapes
 * a real server under load, and every query of every panel, and the dashboard's model-name
 * variable, return data.
 */
class VllmDashboardTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RATE = "1m";

    /** The dashboard's panel queries, with {@code $model_name} as {@code %1$s} and {@code $__rate_interval} as {@code %2$s}. */
    private static final List<String> PANEL_QUERIES = Stream.concat(
            Stream.of("e2e_request_latency_seconds", "time_per_output_token_seconds", "time_to_first_token_seconds")
                    .flatMap(h -> Stream.concat(
                            Stream.of("0.99", "0.95", "0.9", "0.5").map(q -> "histogram_quantile(" + q
                                    + ", sum by(le) (rate(vllm:" + h + "_bucket{model_name=\"%1$s\"}[%2$s])))"),
                            Stream.of("rate(vllm:" + h + "_sum{model_name=\"%1$s\"}[%2$s])\n/\nrate(vllm:" + h
                                    + "_count{model_name=\"%1$s\"}[%2$s])"))),
            Stream.of(
                    "rate(vllm:prompt_tokens_total{model_name=\"%1$s\"}[%2$s])",
                    "rate(vllm:generation_tokens_total{model_name=\"%1$s\"}[%2$s])",
                    "vllm:num_requests_running{model_name=\"%1$s\"}",
                    "vllm:num_requests_waiting{model_name=\"%1$s\"}",
                    "vllm:gpu_cache_usage_perc{model_name=\"%1$s\"}",
                    "sum by(le) (increase(vllm:request_prompt_tokens_bucket{model_name=\"%1$s\"}[%2$s]))",
                    "sum by(le) (increase(vllm:request_generation_tokens_bucket{model_name=\"%1$s\"}[%2$s]))",
                    "sum by(finished_reason) (increase(vllm:request_success_total{model_name=\"%1$s\"}[%2$s]))",
                    "rate(vllm:request_queue_time_seconds_sum{model_name=\"%1$s\"}[%2$s])",
                    "rate(vllm:request_prefill_time_seconds_sum{model_name=\"%1$s\"}[%2$s])",
                    "rate(vllm:request_decode_time_seconds_sum{model_name=\"%1$s\"}[%2$s])",
                    "rate(vllm:request_max_num_generation_tokens_sum{model_name=\"%1$s\"}[%2$s])"))
            .toList();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void everyPanelOfVllmsDashboardShowsDataFromARealPrometheus() throws Exception {
        Path prometheus = onPath("prometheus");
        try (Stories260KServer server = Stories260KServer.start(Optional.empty(), 1024)) {
            int port = freePort();
            Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: tdpipe
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(server.server.port()));
            Process scraper = new ProcessBuilder(prometheus.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            AtomicBoolean loading = new AtomicBoolean(true);
            Thread load = Thread.ofVirtual().start(() -> load(server, loading));
            try {
                String api = "http://127.0.0.1:" + port + "/api/v1/";
                Stories260KServer.await(() -> samples(api, "count_over_time(vllm:generation_tokens_total[1m])") >= 5,
                        "five scrapes under load");
                List<String> empty = new ArrayList<>();
                for (String template : PANEL_QUERIES) {
                    String query = template.formatted(Stories260KServer.MODEL, RATE);
                    if (query(api, query).isEmpty()) {
                        empty.add(query);
                    }
                }
                assertEquals(List.of(), empty, "queries without data");
                JsonNode names = get(api + "label/model_name/values?match[]=" + encode("{__name__=~\"vllm:.*\"}"));
                assertEquals(List.of(Stories260KServer.MODEL), JSON.convertValue(names.get("data"), List.class),
                        "the dashboard's model_name variable");
            } finally {
                loading.set(false);
                load.join();
                scraper.destroy();
                scraper.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Completions, streamed and not, with n = 1 and 2, until told to stop. */
    private void load(Stories260KServer server, AtomicBoolean loading) {
        for (int i = 0; loading.get(); i++) {
            String body = "{\"prompt\": \"Once upon a time\", \"max_tokens\": 12, \"n\": " + (1 + i % 2) + ", \"stream\": "
                    + (i % 3 == 0) + "}";
            try {
                http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/completions"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException | InterruptedException e) {
                throw new AssertionError("load request failed", e);
            }
        }
    }

    private JsonNode query(String api, String query) {
        JsonNode body = get(api + "query?query=" + encode(query));
        assertEquals("success", body.get("status").asText(), query + ": " + body);
        return body.at("/data/result");
    }

    /** The value of a one-series instant query, or 0 before it has data. */
    private double samples(String api, String query) {
        try {
            JsonNode result = query(api, query);
            return result.isEmpty() ? 0 : result.get(0).at("/value/1").asDouble();
        } catch (AssertionError e) {
            return 0; // Prometheus is still starting
        }
    }

    private JsonNode get(String url) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("cannot reach Prometheus at " + url, e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** {@code command} on the PATH; skips the test when it is not installed. */
    private static Path onPath(String command) {
        Optional<Path> found = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(d -> Path.of(d, command)).filter(Files::isExecutable).findFirst();
        assumeTrue(found.isPresent(), command + " is not installed (apt-get install prometheus); skipping");
        return found.get();
    }
}
