package org.tdpipe.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Structured output on stories260K over a real 2-stage pipeline: random-quality text, always a valid document. */
class StructuredOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEMA = """
            {"type": "object", "properties": {
              "name": {"type": "string", "maxLength": 12},
              "age": {"type": "integer"},
              "happy": {"type": "boolean"},
              "pets": {"type": "array", "items": {"enum": ["cat", "dog", "fish"]}, "maxItems": 3},
              "note": {"type": ["string", "null"], "maxLength": 8}},
             "required": ["name", "happy"], "additionalProperties": false}""";
    private static Stories260KServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = Stories260KServer.start(Optional.empty(), 1024);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }

    private static JsonNode post(String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    /** Null when {@code doc} follows {@link #SCHEMA}, else why not. */
    private static String problem(JsonNode doc) {
        if (!doc.isObject()) {
            return "not an object";
        }
        Set<String> allowed = Set.of("name", "age", "happy", "pets", "note");
        for (var it = doc.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!allowed.contains(f)) {
                return "unexpected property " + f;
            }
        }
        JsonNode name = doc.get("name");
        if (name == null || !name.isTextual() || name.asText().codePointCount(0, name.asText().length()) > 12) {
            return "name";
        }
        if (doc.has("age") && !doc.get("age").isIntegralNumber()) {
            return "age";
        }
        if (doc.get("happy") == null || !doc.get("happy").isBoolean()) {
            return "happy";
        }
        if (doc.has("pets")) {
            JsonNode pets = doc.get("pets");
            if (!pets.isArray() || pets.size() > 3) {
                return "pets";
            }
            for (JsonNode p : pets) {
                if (!Set.of("cat", "dog", "fish").contains(p.asText()) || !p.isTextual()) {
                    return "pet " + p;
                }
            }
        }
        JsonNode note = doc.get("note");
        if (note != null && !note.isNull() && !(note.isTextual() && note.asText().length() <= 8)) {
            return "note";
        }
        return null;
    }

    @Test
    void twoHundredSeededSamplesAllParseAndFollowTheSchema() throws Exception {
        Set<String> distinct = new HashSet<>();
        for (int request = 0; request < 25; request++) {
            String format = request % 2 == 0
                    ? "\"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"person\", \"schema\": " + SCHEMA + "}}"
                    : "\"guided_json\": " + SCHEMA;
            JsonNode body = post("/v1/completions", "{\"prompt\": \"Once upon a time\", \"max_tokens\": 300, \"temperature\": 1.0, "
                    + "\"n\": 8, \"seed\": " + request + ", " + format + "}");
            for (JsonNode choice : body.get("choices")) {
                String text = choice.get("text").asText();
                assertEquals("stop", choice.get("finish_reason").asText(), "the document ended, then EOS: " + text);
                JsonNode doc = JSON.readTree(text);
                assertEquals(null, problem(doc), text);
                distinct.add(text);
            }
        }
        assertTrue(distinct.size() > 16, "seeded samples differ: " + distinct.size() + " distinct of 200");
    }

    @Test
    void jsonObjectChatAndGuidedChoiceWork() throws Exception {
        JsonNode chat = post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"Tell me about a cat.\"}], "
                + "\"max_tokens\": 400, \"temperature\": 0.8, \"seed\": 3, \"n\": 4, \"response_format\": {\"type\": \"json_object\"}}");
        for (JsonNode choice : chat.get("choices")) {
            String content = choice.at("/message/content").asText();
            if (choice.get("finish_reason").asText().equals("stop")) {
                assertTrue(JSON.readTree(content).isObject(), content);
            } else {
                assertTrue(content.startsWith("{"), "an object cut by max_tokens: " + content);
            }
        }
        List<String> colours = List.of("red", "green", "blue");
        JsonNode picked = post("/v1/completions", "{\"prompt\": \"The ball was\", \"max_tokens\": 10, \"n\": 6, \"seed\": 1, "
                + "\"guided_choice\": [\"red\", \"green\", \"blue\"]}");
        for (JsonNode choice : picked.get("choices")) {
            assertTrue(colours.contains(choice.get("text").asText()), choice.toString());
        }
    }
}
