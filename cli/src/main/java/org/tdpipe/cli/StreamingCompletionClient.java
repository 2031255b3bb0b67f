package org.tdpipe.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;

/**
 * Sends streamed {@code POST /v1/completions} requests ({@code stream: true},
 * {@code stream_options.include_usage}, and any extra headers) with {@code java.net.http}, over
 * HTTPS trusting the given TLS context, and measures each one. It never
 * throws and never hangs: connection failures, non-200 answers, broken streams and requests over
 * the timeout (which interrupts the reading thread) come back as failed outcomes with a message.
 */
final class StreamingCompletionClient implements AutoCloseable {
    private static final int ERROR_BODY_CHARS = 300;

    private final HttpClient http;
    private final URI endpoint;
    private final String model;
    private final Optional<String> apiKey;
    private final Map<String, String> headers;
    private final boolean ignoreEos;
    private final Duration timeout;
    private final ScheduledExecutorService alarms;
    private final ObjectMapper json = new ObjectMapper();

    StreamingCompletionClient(URI endpoint, String model, Optional<String> apiKey, boolean ignoreEos, Duration timeout) {
        this(endpoint, model, apiKey, Map.of(), Optional.empty(), ignoreEos, timeout);
    }

    /** {@code tls}: the context HTTPS connections trust (e.g. a private CA's), or empty for the JDK's defaults. */
    StreamingCompletionClient(URI endpoint, String model, Optional<String> apiKey, Map<String, String> headers,
            Optional<SSLContext> tls, boolean ignoreEos, Duration timeout) {
        this.endpoint = endpoint;
        this.model = model;
        this.apiKey = apiKey;
        this.headers = Map.copyOf(headers);
        this.ignoreEos = ignoreEos;
        this.timeout = timeout;
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout);
        tls.ifPresent(builder::sslContext);
        this.http = builder.build();
        this.alarms = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("bench-serve-timeouts").factory());
    }

    /** Sends {@code prompt} on the calling thread and measures it; always returns. */
    RequestOutcome send(BenchPrompt prompt) {
        long start = System.nanoTime();
        Thread reader = Thread.currentThread();
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> alarm = alarms.schedule(() -> {
            timedOut.set(true);
            reader.interrupt();
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            HttpResponse<InputStream> response = http.send(request(prompt), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    return failed(prompt, start, "HTTP " + response.statusCode() + ": " + errorBody(body));
                }
                return new CompletionStream(System::nanoTime, start, prompt.estimatedTokens()).read(body);
            }
        } catch (HttpTimeoutException e) {
            return failed(prompt, start, timeoutMessage());
        } catch (ConnectException e) {
            return failed(prompt, start, "cannot connect to " + endpoint + ": " + (e.getMessage() != null ? e.getMessage() : "connection refused"));
        } catch (IOException | InterruptedException e) {
            if (timedOut.get()) {
                return failed(prompt, start, timeoutMessage());
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return failed(prompt, start, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (CompletionStream.Malformed e) {
            return failed(prompt, start, e.getMessage());
        } catch (RuntimeException e) {
            return failed(prompt, start, "client error: " + e);
        } finally {
            alarm.cancel(false);
            if (timedOut.get()) {
                Thread.interrupted();
            }
        }
    }

    private HttpRequest request(BenchPrompt prompt) {
        ObjectNode body = json.createObjectNode()
                .put("model", model)
                .put("prompt", prompt.text())
                .put("max_tokens", prompt.maxTokens())
                .put("temperature", 0.0)
                .put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        if (ignoreEos) {
            body.put("ignore_eos", true);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream");
        apiKey.ifPresent(key -> request.header("Authorization", "Bearer " + key));
        headers.forEach(request::header);
        try {
            return request.POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a request body", e);
        }
    }

    private String timeoutMessage() {
        return String.format(Locale.ROOT, "timed out after %.1f s", timeout.toMillis() / 1e3);
    }

    private static RequestOutcome failed(BenchPrompt prompt, long start, String error) {
        return RequestOutcome.failed(error, prompt.estimatedTokens(), System.nanoTime() - start);
    }

    private static String errorBody(InputStream body) throws IOException {
        String text = new String(body.readNBytes(ERROR_BODY_CHARS), StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? "(empty body)" : text;
    }

    @Override
    public void close() {
        alarms.shutdownNow();
        http.close();
    }
}
