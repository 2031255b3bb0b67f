package org.tdpipe.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Reads the server-sent events of a streamed {@code /v1/completions} response and times them:
 * the first chunk with text gives the TTFT, later ones the inter-token latencies, the usage chunk
 * ({@code stream_options.include_usage}) the token counts, and {@code data: [DONE]} the end.
 * A stream that is cut, carries an error or an event that is not JSON fails with a message.
 */
final class CompletionStream {
    /** The stream broke the protocol; the message says how. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int QUOTE_CHARS = 120;

    private final LongSupplier nanos;
    private final long start;
    private final int estimatedPromptTokens;
    private final List<Long> gaps = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private long firstChunk = -1;
    private long lastChunk;
    private int chunks;
    private int usagePrompt = -1;
    private int usageCompletion = -1;
    private boolean done;

    /** {@code start}: when the request was sent, on the {@code nanos} clock. */
    CompletionStream(LongSupplier nanos, long start, int estimatedPromptTokens) {
        this.nanos = nanos;
        this.start = start;
        this.estimatedPromptTokens = estimatedPromptTokens;
    }

    /** Reads {@code body} to its end and returns the measurements. */
    RequestOutcome read(InputStream body) throws IOException, Malformed {
        BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        StringBuilder data = null;
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) {
                    event(data.toString());
                    data = null;
                }
            } else if (line.startsWith("data:")) {
                String value = line.substring(line.startsWith("data: ") ? 6 : 5);
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
            // comments (':') and the other fields (event, id, retry) carry nothing we measure
        }
        if (data != null) {
            event(data.toString());
        }
        long end = nanos.getAsLong() - start;
        if (!done) {
            throw new Malformed("stream ended before 'data: [DONE]'");
        }
        if (chunks == 0) {
            throw new Malformed("no chunk with text came (no TTFT to measure)");
        }
        return new RequestOutcome(null, usagePrompt >= 0 ? usagePrompt : estimatedPromptTokens,
                usageCompletion >= 0 ? usageCompletion : chunks, firstChunk, gaps, end, text.toString(), 0);
    }

    private void event(String payload) throws Malformed {
        long now = nanos.getAsLong() - start;
        if (done) {
            return;
        }
        if (payload.equals("[DONE]")) {
            done = true;
            return;
        }
        JsonNode event;
        try {
            event = JSON.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new Malformed("malformed SSE event (not JSON): " + quote(payload));
        }
        if (event == null || !event.isObject()) {
            throw new Malformed("malformed SSE event (not a JSON object): " + quote(payload));
        }
        if (event.hasNonNull("error")) {
            JsonNode error = event.get("error");
            throw new Malformed("error in the stream: " + (error.hasNonNull("message") ? error.get("message").asText() : error.toString()));
        }
        JsonNode choices = event.path("choices");
        if (choices.isArray() && !choices.isEmpty() && !choices.get(0).path("text").asText("").isEmpty()) {
            if (firstChunk < 0) {
                firstChunk = now;
            } else {
                gaps.add(now - lastChunk);
            }
            lastChunk = now;
            chunks++;
            text.append(choices.get(0).get("text").asText());
        }
        JsonNode usage = event.path("usage");
        if (usage.isObject()) {
            usagePrompt = usage.path("prompt_tokens").asInt(-1);
            usageCompletion = usage.path("completion_tokens").asInt(-1);
        }
    }

    private static String quote(String text) {
        return "'" + (text.length() > QUOTE_CHARS ? text.substring(0, QUOTE_CHARS) + "..." : text) + "'";
    }
}
