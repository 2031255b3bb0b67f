package org.tdpipe.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Server-sent events as the OpenAI API streams them: {@code data: <json>} per chunk, flushed at
 * once, and {@code data: [DONE]} at the end. A write fails with an IOException once the client
 * has gone away.
 */
final class SseWriter {
    private final OutputStream out;
    private final ObjectMapper json;

    SseWriter(OutputStream out, ObjectMapper json) {
        this.out = out;
        this.json = json;
    }

    void send(JsonNode chunk) throws IOException {
        write(json.writeValueAsString(chunk));
    }

    void done() throws IOException {
        write("[DONE]");
    }

    private void write(String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
