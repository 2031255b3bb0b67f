package org.tdpipe.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Refused requests get the right status and an OpenAI-style error naming the field; the server goes on. */
class BadRequestTest {
    private static final String KEY = "sk-test";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Stories260KServer server;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        server = Stories260KServer.start(Optional.of(KEY), 1024);
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }

    static HttpResponse<String> post(String path, String body, String key) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path, String key) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Stream<Arguments> badRequests() {
        String c = "/v1/completions";
        String chat = "/v1/chat/completions";
        return Stream.of(
                Arguments.of(c, "{\"model\": \"stories260K\", \"prompt\": ", null, "malformed JSON"),
                Arguments.of(c, "", null, "empty"),
                Arguments.of(c, "[1, 2]", null, "JSON object"),
                Arguments.of(c, "{\"model\": \"stories260K\"}", "prompt", "required"),
                Arguments.of(c, "{\"prompt\": 42}", "prompt", "must be a string"),
                Arguments.of(c, "{\"prompt\": []}", "prompt", "must be a string"),
                Arguments.of(c, "{\"prompt\": [1, 9999]}", "prompt", "outside the vocabulary"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"max_tokens\": \"ten\"}", "max_tokens", "must be an integer"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"max_tokens\": 1.5}", "max_tokens", "must be an integer"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"max_tokens\": -3}", "max_tokens", ">= 1"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"max_tokens\": 100000}", "max_tokens", "maximum context length is 2048"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"max_tokens\": 99999999999}", "max_tokens", "out of range"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"temperature\": -1}", "temperature", "temperature"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"temperature\": \"hot\"}", "temperature", "must be a number"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"top_p\": 1.5}", "top_p", "(0, 1]"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"top_k\": -5}", "top_k", "top_k"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"min_p\": 2}", "min_p", "min_p"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"n\": 0}", "n", "[1, 128]"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"n\": 100000}", "n", "[1, 128]"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"presence_penalty\": 3}", "presence_penalty", "[-2, 2]"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"frequency_penalty\": -9}", "frequency_penalty", "[-2, 2]"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"logprobs\": 50}", "logprobs", "[0, 20]"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"stop\": [\"a\", 3]}", "stop", "strings"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"stop\": \"\"}", "stop", "must not be empty"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"seed\": \"x\"}", "seed", "must be an integer"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"stream\": \"yes\"}", "stream", "true or false"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"stream_options\": {\"include_usage\": true}}", "stream_options", "stream: true"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"suffix\": \"end\"}", "suffix", "not supported"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"logit_bias\": [1]}", "logit_bias", "must be an object"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"logit_bias\": {\"the\": 5}}", "logit_bias", "must be token ids"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"logit_bias\": {\"99999\": 5}}", "logit_bias", "outside the vocabulary"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"logit_bias\": {\"5\": \"up\"}}", "logit_bias", "must be an object"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"max_tokens\": 5, \"min_tokens\": 6}", "min_tokens", "<= max_tokens"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"min_tokens\": -1}", "min_tokens", ">= 0"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"skip_special_tokens\": 0}", "skip_special_tokens", "true or false"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"prompt_logprobs\": 50}", "prompt_logprobs", "[0, 20]"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"response_format\": {\"type\": \"xml\"}}", "response_format",
                        "not one of text, json_object, json_schema"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"response_format\": {\"type\": \"json_schema\", \"json_schema\": "
                        + "{\"name\": \"x\", \"schema\": {\"type\": \"string\", \"pattern\": \"a+\"}}}}", "response_format",
                        "unsupported JSON Schema keyword 'pattern' at #"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"guided_json\": {\"type\": \"integer\", \"minimum\": 0}}", "guided_json",
                        "unsupported JSON Schema keyword 'minimum'"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"guided_json\": {\"type\": \"object\"}, \"guided_choice\": [\"a\"]}",
                        "guided_choice", "only one kind of structured output"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"guided_regex\": \"a+\"}", "guided_regex", "not supported"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"response_format\": {}}", "response_format", "required"),
                Arguments.of(c, "{\"prompt\": \"hi\", \"guided_choice\": [\"a\", 2]}", "guided_choice", "non-empty strings"),
                Arguments.of(chat, "{\"messages\": []}", "messages", "non-empty array"),
                Arguments.of(chat, "{\"messages\": [{\"role\": \"wizard\", \"content\": \"hi\"}]}", "messages[0].role", "role must be"),
                Arguments.of(chat, "{\"messages\": [{\"role\": \"user\"}]}", "messages[0].content", "required"),
                Arguments.of(chat, "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\"}]}]}",
                        "messages[0].content", "only text"),
                Arguments.of(chat, "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"top_logprobs\": 3}",
                        "top_logprobs", "logprobs: true"),
                Arguments.of(chat, "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_completion_tokens\": 3000}",
                        "max_completion_tokens", "maximum context length"),
                Arguments.of(chat, "{\"messages\": \"hi\"}", "messages", "non-empty array"),
                Arguments.of(chat, "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"echo\": true}", "echo",
                        "not supported"),
                Arguments.of(chat, "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"tools\": "
                        + "[{\"type\": \"function\", \"function\": {\"name\": \"f\"}}]}", "tools", "\"auto\" tool choice"),
                Arguments.of(chat, "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"tool_choice\": \"required\"}",
                        "tool_choice", "only tool_choice \"none\""),
                Arguments.of(chat, "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"tools\": {}}", "tools",
                        "must be an array"),
                Arguments.of("/tokenize", "{\"prompt\": 5}", "prompt", "must be a string"),
                Arguments.of("/detokenize", "{\"tokens\": [1, -4]}", "tokens", "outside the vocabulary"));
    }

    @ParameterizedTest
    @MethodSource("badRequests")
    void aBadRequestGets400NamingTheField(String path, String body, String param, String message) throws Exception {
        HttpResponse<String> response = post(path, body, KEY);
        assertEquals(400, response.statusCode(), response.body());
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertEquals("invalid_request_error", error.get("type").asText());
        assertEquals(param == null ? "null" : param, error.get("param").isNull() ? "null" : error.get("param").asText());
        assertTrue(error.get("message").asText().contains(message), error.get("message").asText());
        assertEquals(400, error.get("code").asInt());
    }

    @Test
    void theServerGoesOnAfterBadRequests() throws Exception {
        post("/v1/completions", "{\"prompt\": ", KEY);
        HttpResponse<String> ok = post("/v1/completions", "{\"prompt\": \"Once\", \"max_tokens\": 5}", KEY);
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(5, JSON.readTree(ok.body()).at("/usage/completion_tokens").asInt());
    }

    @Test
    void withoutTheApiKeyTheApiAnswers401() throws Exception {
        for (String key : new String[] {null, "wrong"}) {
            HttpResponse<String> response = post("/v1/completions", "{\"prompt\": \"hi\"}", key);
            assertEquals(401, response.statusCode());
            assertEquals("authentication_error", JSON.readTree(response.body()).at("/error/type").asText());
            assertEquals(401, get("/v1/models", key).statusCode());
        }
        assertEquals(200, get("/health", null).statusCode(), "health stays open");
        assertEquals(200, get("/metrics", null).statusCode(), "metrics stay open");
    }

    @Test
    void anUnknownPathIs404() throws Exception {
        HttpResponse<String> response = get("/v1/nothing", KEY);
        assertEquals(404, response.statusCode());
        assertEquals("not_found_error", JSON.readTree(response.body()).at("/error/type").asText());
    }

    @Test
    void chatMessagesReachTheModelAsTextNeverAsTemplate() throws Exception {
        String expression = "{{ 7*7 }}";
        String loops = "{% for a in range(300) %}{% for b in range(300) %}x{% endfor %}{% endfor %}";
        for (String content : new String[] {expression, loops}) {
            String body = JSON.writeValueAsString(Map.of("messages",
                    List.of(Map.of("role", "user", "content", content))));
            JsonNode tokens = JSON.readTree(post("/tokenize", body, KEY).body());
            int[] literal = server.source.tokenizer().encode("user: " + content + "\nassistant:", true);
            assertEquals(literal.length, tokens.get("count").asInt(), content);
            for (int i = 0; i < literal.length; i++) {
                assertEquals(literal[i], tokens.at("/tokens/" + i).asInt(), content);
            }
        }
    }

    @Test
    void modelsTokenizeDetokenizeAndMetricsHaveVllmShapes() throws Exception {
        JsonNode models = JSON.readTree(get("/v1/models", KEY).body());
        assertEquals("list", models.get("object").asText());
        assertEquals("stories260K", models.at("/data/0/id").asText());
        assertEquals(2048, models.at("/data/0/max_model_len").asInt());

        JsonNode tokens = JSON.readTree(post("/tokenize", "{\"prompt\": \"Once upon a time\"}", KEY).body());
        int[] expected = server.source.tokenizer().encode("Once upon a time", true);
        assertEquals(expected.length, tokens.get("count").asInt());
        assertEquals(expected[0], tokens.at("/tokens/0").asInt());
        assertEquals(2048, tokens.get("max_model_len").asInt());
        JsonNode chat = JSON.readTree(post("/tokenize", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}", KEY).body());
        assertEquals(server.source.tokenizer().encode("user: hi\nassistant:", true).length, chat.get("count").asInt());

        JsonNode text = JSON.readTree(post("/detokenize", "{\"tokens\": " + tokens.get("tokens") + "}", KEY).body());
        assertEquals("Once upon a time", text.get("prompt").asText());

        HttpResponse<String> metrics = get("/metrics", null);
        assertTrue(metrics.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
        assertTrue(metrics.body().contains("# TYPE vllm:time_to_first_token_seconds histogram"), metrics.body());
        assertTrue(metrics.body().matches("(?s).*\\nvllm:generation_tokens_total\\{model_name=\"[^\"]+\"} [1-9].*"),
                "tokens generated by the earlier requests are counted: " + metrics.body());
    }

    @Test
    void anUnknownModelIsVllmsNotFoundError() throws Exception {
        for (HttpResponse<String> response : List.of(
                post("/v1/completions", "{\"model\": \"gpt-4\", \"prompt\": \"hi\"}", KEY),
                post("/v1/chat/completions", "{\"model\": \"gpt-4\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}", KEY),
                get("/v1/models/gpt-4", KEY))) {
            assertEquals(404, response.statusCode(), response.body());
            JsonNode error = JSON.readTree(response.body()).get("error");
            assertEquals("The model `gpt-4` does not exist.", error.get("message").asText());
            assertEquals("NotFoundError", error.get("type").asText());
            assertEquals("model", error.get("param").asText());
            assertEquals(404, error.get("code").asInt());
        }
    }

    @Test
    void unknownFieldsAreIgnoredAsVllmIgnoresThem() throws Exception {
        HttpResponse<String> ok = post("/v1/completions",
                "{\"prompt\": \"Once\", \"max_tokens\": 3, \"frobnicate\": {\"x\": 1}, \"metadata\": null}", KEY);
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(3, JSON.readTree(ok.body()).at("/usage/completion_tokens").asInt());
    }

    @Test
    void modelCardVersionAndPingAnswerAsVllmDoes() throws Exception {
        JsonNode card = JSON.readTree(get("/v1/models/stories260K", KEY).body());
        assertEquals("stories260K", card.get("id").asText());
        assertEquals("model", card.get("object").asText());
        assertEquals(2048, card.get("max_model_len").asInt());
        HttpResponse<String> version = get("/version", null);
        assertEquals(200, version.statusCode());
        assertTrue(JSON.readTree(version.body()).get("version").asText().matches("\\d+\\.\\d+\\.\\d+.*"), version.body());
        assertEquals(200, get("/ping", null).statusCode());
        assertEquals(200, post("/ping", "", null).statusCode());
    }

    @Test
    void aBodyOverTheLimitGetsAJson413AndTheServerGoesOn() throws Exception {
        String huge = "{\"prompt\": \"" + "a".repeat((int) ServerConfig.DEFAULT_MAX_REQUEST_BODY_BYTES) + "\"}";
        HttpResponse<String> response = post("/v1/completions", huge, KEY);
        assertEquals(413, response.statusCode(), response.body());
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertTrue(error.get("message").asText().contains("--max-request-body-mib"), error.toString());
        assertEquals(413, error.get("code").asInt());
        assertEquals(200, post("/v1/completions", "{\"prompt\": \"Once\", \"max_tokens\": 2}", KEY).statusCode());
    }

    @Test
    void promptLogprobsComeInVllmsShape() throws Exception {
        int[] prompt = server.source.tokenizer().encode("Once upon a time", true);
        JsonNode completion = JSON.readTree(post("/v1/completions",
                "{\"prompt\": \"Once upon a time\", \"max_tokens\": 2, \"prompt_logprobs\": 2}", KEY).body());
        JsonNode scores = completion.at("/choices/0/prompt_logprobs");
        assertEquals(prompt.length, scores.size(), scores.toString());
        assertTrue(scores.get(0).isNull(), "the first prompt token has no score");
        for (int i = 1; i < prompt.length; i++) {
            JsonNode own = scores.get(i).get(Integer.toString(prompt[i]));
            assertTrue(own != null && own.get("logprob").asDouble() <= 0 && own.get("rank").asInt() >= 1
                    && own.has("decoded_token"), scores.get(i).toString());
            boolean hasBest = false;
            for (JsonNode entry : scores.get(i)) {
                hasBest |= entry.get("rank").asInt() == 1;
            }
            assertTrue(hasBest, "the most likely token is listed: " + scores.get(i));
        }
        JsonNode chat = JSON.readTree(post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], "
                + "\"max_tokens\": 2, \"prompt_logprobs\": 0}", KEY).body());
        assertTrue(chat.get("prompt_logprobs").isArray() && chat.get("prompt_logprobs").size() > 1, "chat: at the top, as vLLM");
        String stream = post("/v1/completions", "{\"prompt\": \"Once upon a time\", \"max_tokens\": 2, \"prompt_logprobs\": 1, "
                + "\"stream\": true}", KEY).body();
        assertTrue(stream.lines().anyMatch(l -> l.contains("\"prompt_logprobs\":[null,")), "a stream carries them: " + stream);
        JsonNode plain = JSON.readTree(post("/v1/completions", "{\"prompt\": \"Once\", \"max_tokens\": 2}", KEY).body());
        assertTrue(!plain.at("/choices/0").has("prompt_logprobs"), "absent unless asked");
    }

    @Test
    void echoWithLogprobsScoresThePromptFirstAsVllmDoes() throws Exception {
        int[] prompt = server.source.tokenizer().encode("Once upon a time", true);
        JsonNode choice = JSON.readTree(post("/v1/completions", "{\"prompt\": \"Once upon a time\", \"max_tokens\": 3, "
                + "\"temperature\": 0, \"echo\": true, \"logprobs\": 2}", KEY).body()).at("/choices/0");
        JsonNode lp = choice.get("logprobs");
        assertEquals(prompt.length + 3, lp.get("tokens").size(), lp.toString());
        assertTrue(lp.at("/token_logprobs/0").isNull() && lp.at("/top_logprobs/0").isNull(), "the first prompt token has no score");
        for (int i = 1; i < lp.get("tokens").size(); i++) {
            assertTrue(lp.at("/token_logprobs/" + i).asDouble() <= 0, lp.toString());
        }
        assertTrue(choice.get("text").asText().startsWith("Once upon a time"), choice.toString());
        assertEquals(0, lp.at("/text_offset/0").asInt());
        assertTrue(!choice.has("prompt_logprobs"), "prompt_logprobs only when asked");
        String stream = post("/v1/completions", "{\"prompt\": \"Once upon a time\", \"max_tokens\": 3, \"temperature\": 0, "
                + "\"echo\": true, \"logprobs\": 1, \"stream\": true}", KEY).body();
        String first = stream.lines().filter(l -> l.startsWith("data: {")).findFirst().orElseThrow();
        assertTrue(first.contains("\"text\":\"Once upon a time\"") && first.contains("\"token_logprobs\":[null,"), first);
    }
}
