package org.tdpipe.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tdpipe.model.tokenizer.StreamingDetokenizer;

/** The server driven by the official OpenAI Java SDK, on stories260K over a real 2-stage pipeline. */
class OpenAiSdkTest {
    private static final String PROMPT = "Once upon a time";
    private static Stories260KServer server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        server = Stories260KServer.start(Optional.of("sk-test"), 1024);
        client = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl() + "/v1").apiKey("sk-test").maxRetries(0).build();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static CompletionCreateParams.Builder completion(String prompt, long maxTokens) {
        return CompletionCreateParams.builder().model(Stories260KServer.MODEL).prompt(prompt).maxTokens(maxTokens);
    }

    private static String greedy(String prompt, long maxTokens) {
        return client.completions().create(completion(prompt, maxTokens).temperature(0.0).build()).choices().get(0).text();
    }

    @Test
    void greedyCompletionFromBosReproducesTheLlama2cReference() throws Exception {
        JsonNode reference = new ObjectMapper().readTree(Path.of(System.getProperty("tdpipe.shared.data"), "models",
                "stories260K", "reference_greedy_200.json").toFile()).get("tokens_including_bos");
        int[] tokens = new int[reference.size()];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = reference.get(i).intValue();
        }
        String expected = StreamingDetokenizer.decodeAll(server.source.tokenizer(), tokens);
        Completion c = client.completions().create(completion("", tokens.length - 1).temperature(0.0)
                .putAdditionalBodyProperty("ignore_eos", JsonValue.from(true)).build());
        assertEquals(expected, c.choices().get(0).text());
        assertEquals(CompletionChoice.FinishReason.LENGTH, c.choices().get(0).finishReason());
        assertEquals(tokens.length - 1, c.usage().orElseThrow().completionTokens());
        assertEquals(1, c.usage().orElseThrow().promptTokens(), "BOS only");
    }

    @Test
    void completionReportsUsageAndFinishReason() {
        Completion c = client.completions().create(completion(PROMPT, 12).temperature(0.0).build());
        CompletionChoice choice = c.choices().get(0);
        assertEquals(Stories260KServer.MODEL, c.model());
        assertTrue(c.id().startsWith("cmpl-"), c.id());
        long completionTokens = c.usage().orElseThrow().completionTokens();
        if (choice.finishReason().equals(CompletionChoice.FinishReason.LENGTH)) {
            assertEquals(12, completionTokens);
        } else {
            assertEquals(CompletionChoice.FinishReason.STOP, choice.finishReason());
            assertTrue(completionTokens <= 12);
        }
        int promptTokens = server.source.tokenizer().encode(PROMPT, true).length;
        assertEquals(promptTokens, c.usage().orElseThrow().promptTokens());
        assertEquals(promptTokens + completionTokens, c.usage().orElseThrow().totalTokens());
        assertFalse(choice.text().isEmpty());
    }

    @Test
    void chatUsesTheGivenTemplateAndMatchesTheSameRawPrompt() {
        ChatCompletion chat = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(Stories260KServer.MODEL).addSystemMessage("Tell a story.").addUserMessage("Lily had a cat.")
                .maxCompletionTokens(24).temperature(0.0).build());
        String content = chat.choices().get(0).message().content().orElseThrow();
        // the template renders "<bos>system: ...\nuser: ...\nassistant:"; the same text as a raw prompt gives the same tokens
        String raw = greedy("system: Tell a story.\nuser: Lily had a cat.\nassistant:", 24);
        assertEquals(raw, content);
        assertEquals(ChatCompletion.Choice.FinishReason.LENGTH, chat.choices().get(0).finishReason());
        assertEquals(24, chat.usage().orElseThrow().completionTokens());
    }

    @Test
    void streamedChatEqualsTheWholeResponseAndEndsWithUsage() {
        ChatCompletionCreateParams.Builder request = ChatCompletionCreateParams.builder().model(Stories260KServer.MODEL)
                .addUserMessage("Tom saw a dog.").maxCompletionTokens(30).temperature(0.0);
        String whole = client.chat().completions().create(request.build()).choices().get(0).message().content().orElseThrow();
        ChatCompletionCreateParams params = request.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        StringBuilder streamed = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunks::add);
        }
        for (ChatCompletionChunk chunk : chunks) {
            chunk.choices().forEach(c -> c.delta().content().ifPresent(streamed::append));
        }
        assertEquals(whole, streamed.toString());
        assertEquals(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT, chunks.getFirst().choices().get(0).delta().role().orElseThrow());
        ChatCompletionChunk last = chunks.getLast();
        assertTrue(last.choices().isEmpty(), "the usage chunk has no choices");
        assertEquals(30, last.usage().orElseThrow().completionTokens());
        long finishes = chunks.stream().flatMap(c -> c.choices().stream()).filter(c -> c.finishReason().isPresent()).count();
        assertEquals(1, finishes);
    }

    @Test
    void nChoicesWithASeedAreReproducibleAndDiffer() {
        CompletionCreateParams params = completion(PROMPT, 20).temperature(1.0).n(3).seed(42).build();
        Completion first = client.completions().create(params);
        Completion again = client.completions().create(params);
        assertEquals(3, first.choices().size());
        List<String> texts = first.choices().stream().map(CompletionChoice::text).toList();
        assertEquals(texts, again.choices().stream().map(CompletionChoice::text).toList(), "same seed, same samples");
        assertEquals(3, texts.stream().distinct().count(), "each choice samples on its own: " + texts);
        assertEquals(List.of(0L, 1L, 2L), first.choices().stream().map(CompletionChoice::index).toList());
        long tokens = first.usage().orElseThrow().completionTokens();
        assertTrue(tokens > 20 && tokens <= 60, "every choice counted: " + tokens);
        Completion other = client.completions().create(completion(PROMPT, 20).temperature(1.0).n(3).seed(7).build());
        assertNotEquals(texts, other.choices().stream().map(CompletionChoice::text).toList());
    }

    @Test
    void aStopStringCutsTheTextAndFinishesWithStop() {
        String full = greedy(PROMPT, 40);
        String stop = full.substring(full.length() / 2, full.length() / 2 + 3);
        Completion c = client.completions().create(completion(PROMPT, 40).temperature(0.0).stop(stop).build());
        CompletionChoice choice = c.choices().get(0);
        assertEquals(full.substring(0, full.indexOf(stop)), choice.text());
        assertEquals(CompletionChoice.FinishReason.STOP, choice.finishReason());
        assertTrue(c.usage().orElseThrow().completionTokens() < 40);

        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<Completion> stream = client.completions().createStreaming(
                completion(PROMPT, 40).temperature(0.0).stop(stop).build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(ch -> streamed.append(ch.text())));
        }
        assertEquals(choice.text(), streamed.toString(), "the stream holds back a possible stop string's start");
    }

    @Test
    void logprobsCoverEveryTokenOfTheText() {
        Completion c = client.completions().create(completion(PROMPT, 10).temperature(0.0).logprobs(3).build());
        CompletionChoice.Logprobs lp = c.choices().get(0).logprobs().orElseThrow();
        List<String> tokens = lp.tokens().orElseThrow();
        assertEquals(c.usage().orElseThrow().completionTokens(), tokens.size());
        assertTrue(String.join("", tokens).contains(c.choices().get(0).text().strip()), "the tokens spell the text: " + tokens);
        for (double v : lp.tokenLogprobs().orElseThrow()) {
            assertTrue(v <= 0, "a log-probability: " + v);
        }
        assertEquals(tokens.size(), lp.topLogprobs().orElseThrow().size());
        ChatCompletion chat = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(Stories260KServer.MODEL).addUserMessage("Hi").maxCompletionTokens(5).temperature(0.0)
                .logprobs(true).topLogprobs(2).build());
        var content = chat.choices().get(0).logprobs().orElseThrow().content().orElseThrow();
        assertEquals(chat.usage().orElseThrow().completionTokens(), content.size());
        assertEquals(2, content.get(0).topLogprobs().size());
    }

    /** The tokens and log-probabilities (the chosen one's, then the top ones') a streamed, seeded completion reports. */
    private record StreamedLogprobs(List<String> tokens, List<Double> logprobs) {
        static StreamedLogprobs of(String prompt, long seed) {
            List<String> tokens = new ArrayList<>();
            List<Double> logprobs = new ArrayList<>();
            try (StreamResponse<Completion> stream = client.completions().createStreaming(
                    completion(prompt, 32).temperature(1.0).seed(seed).logprobs(3).build())) {
                stream.stream().forEach(chunk -> chunk.choices().forEach(ch -> ch.logprobs().ifPresent(lp -> {
                    for (int i = 0; i < lp.tokens().orElseThrow().size(); i++) {
                        tokens.add(lp.tokens().orElseThrow().get(i));
                        logprobs.add(lp.tokenLogprobs().orElseThrow().get(i));
                        lp.topLogprobs().orElseThrow().get(i)._additionalProperties().forEach((token, value) -> {
                            tokens.add(token);
                            logprobs.add(((Number) value.asNumber().orElseThrow()).doubleValue());
                        });
                    }
                })));
            }
            return new StreamedLogprobs(tokens, logprobs);
        }
    }

    @Test
    void aSeededStreamedRequestHasTheSameLogprobsAloneAndAmongOthers() throws Exception {
        StreamedLogprobs alone = StreamedLogprobs.of(PROMPT, 11);
        assertEquals(32 * 4, alone.logprobs().size(), "each token with its 3 most likely");
        StreamedLogprobs again;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<StreamedLogprobs>> others = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                long seed = i;
                others.add(pool.submit(() -> StreamedLogprobs.of("Lily had a " + seed, seed)));
            }
            Future<StreamedLogprobs> amongOthers = pool.submit(() -> StreamedLogprobs.of(PROMPT, 11));
            for (Future<StreamedLogprobs> other : others) {
                assertEquals(32 * 4, other.get().logprobs().size());
            }
            again = amongOthers.get();
        }
        assertEquals(alone.tokens(), again.tokens());
        for (int i = 0; i < alone.logprobs().size(); i++) {
            // the Vector API leaves a float reduction's order open: kernels compiled meanwhile may round the last bits anew
            assertEquals(alone.logprobs().get(i), again.logprobs().get(i), 1e-5, "log-probability " + i);
        }
    }

    @Test
    void sixtyFourConcurrentStreamsAllMatchTheirGreedyOutput() throws Exception {
        List<String> prompts = IntStream.range(0, 8).mapToObj(i -> "Once upon a time there was a " + List.of(
                "cat", "dog", "girl", "boy", "bird", "tree", "car", "ball").get(i)).toList();
        Map<String, String> expected = new ConcurrentHashMap<>();
        for (String p : prompts) {
            expected.put(p, greedy(p, 48));
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> streams = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String prompt = prompts.get(i % prompts.size());
                streams.add(pool.submit(() -> {
                    StringBuilder text = new StringBuilder();
                    List<String> finishes = new ArrayList<>();
                    try (StreamResponse<Completion> stream = client.completions().createStreaming(
                            completion(prompt, 48).temperature(0.0).build())) {
                        stream.stream().forEach(chunk -> chunk.choices().forEach(ch -> {
                            text.append(ch.text());
                            ch._finishReason().asKnown().ifPresent(f -> finishes.add(f.asString()));
                        }));
                    }
                    assertEquals(1, finishes.size(), "one finish per stream: " + finishes);
                    return text.toString();
                }));
            }
            for (int i = 0; i < streams.size(); i++) {
                String prompt = prompts.get(i % prompts.size());
                assertEquals(expected.get(prompt), streams.get(i).get(), "stream " + i + " (" + prompt + ")");
            }
        }
        Stories260KServer.await(() -> server.server.engine().stats().usedBlocks() == 0, "every KV block freed");
        assertEquals(0, server.server.engine().numUnfinished());
    }

    private static CompletionChoice withExtras(CompletionCreateParams.Builder request, Map<String, Object> extras) {
        extras.forEach((name, value) -> request.putAdditionalBodyProperty(name, JsonValue.from(value)));
        return client.completions().create(request.build()).choices().get(0);
    }

    @Test
    void echoReturnsThePromptBeforeTheCompletion() {
        Completion c = client.completions().create(completion(PROMPT, 8).temperature(0.0).echo(true).build());
        assertEquals(PROMPT + greedy(PROMPT, 8), c.choices().get(0).text());
    }

    @Test
    void logitBiasAndMinTokensSteerTheOutputAsInVllm() {
        int forced = 100;
        CompletionCreateParams.LogitBias bias = CompletionCreateParams.LogitBias.builder()
                .putAdditionalProperty(String.valueOf(forced), JsonValue.from(100)).build();
        String piece = StreamingDetokenizer.decodeAll(server.source.tokenizer(), new int[] {forced});
        CompletionChoice biased = client.completions().create(completion(PROMPT, 4).temperature(0.0).logitBias(bias).build())
                .choices().get(0);
        assertEquals(piece.repeat(4), biased.text(), "a +100 bias makes the token certain");

        CompletionChoice stopped = withExtras(completion(PROMPT, 10).temperature(0.0).logitBias(bias),
                Map.of("stop_token_ids", List.of(forced)));
        assertEquals("", stopped.text(), "the stop token ends the output at once and adds no text");
        assertEquals(CompletionChoice.FinishReason.STOP, stopped.finishReason());

        Completion held = client.completions().create(completion(PROMPT, 10).temperature(0.0).logitBias(bias)
                .putAdditionalBodyProperty("stop_token_ids", JsonValue.from(List.of(forced)))
                .putAdditionalBodyProperty("min_tokens", JsonValue.from(4))
                .putAdditionalBodyProperty("include_stop_str_in_output", JsonValue.from(true)).build());
        assertEquals(5, held.usage().orElseThrow().completionTokens(), "banned for 4 tokens, then it stops the request");
        assertTrue(held.choices().get(0).text().endsWith(piece), "the stop token's text is kept: " + held.choices().get(0).text());
    }

    @Test
    void specialTokensAndStopStringsAreWrittenWhenAsked() {
        int eos = server.source.tokenizer().eosId();
        CompletionCreateParams.LogitBias toEos = CompletionCreateParams.LogitBias.builder()
                .putAdditionalProperty(String.valueOf(eos), JsonValue.from(100)).build();
        CompletionChoice hidden = client.completions().create(completion(PROMPT, 5).temperature(0.0).logitBias(toEos).build())
                .choices().get(0);
        assertEquals("", hidden.text());
        CompletionChoice written = withExtras(completion(PROMPT, 5).temperature(0.0).logitBias(toEos),
                Map.of("skip_special_tokens", false, "include_stop_str_in_output", true));
        assertEquals(server.source.tokenizer().piece(eos), written.text());

        String full = greedy(PROMPT, 40);
        String stop = full.substring(full.length() / 2, full.length() / 2 + 3);
        CompletionChoice kept = withExtras(completion(PROMPT, 40).temperature(0.0).stop(stop),
                Map.of("include_stop_str_in_output", true));
        assertEquals(full.substring(0, full.indexOf(stop) + stop.length()), kept.text());
    }

    @Test
    void refusalsAreTheSdksExceptionTypes() {
        assertThrows(NotFoundException.class, () -> client.completions().create(
                CompletionCreateParams.builder().model("gpt-4").prompt(PROMPT).maxTokens(3).build()));
        assertThrows(NotFoundException.class, () -> client.models().retrieve("gpt-4"));
        assertEquals(Stories260KServer.MODEL, client.models().retrieve(Stories260KServer.MODEL).id());
        BadRequestException bad = assertThrows(BadRequestException.class, () -> client.completions().create(
                completion(PROMPT, 3).temperature(-1.0).build()));
        assertTrue(bad.getMessage().contains("temperature"), bad.getMessage());
    }

    @Test
    void structuredOutputThroughTheSdkParsesAndFollowsTheSchema() throws Exception {
        ResponseFormatJsonSchema.JsonSchema.Schema schema = ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of(
                        "animal", Map.of("enum", List.of("cat", "dog", "bird")),
                        "count", Map.of("type", "integer"))))
                .putAdditionalProperty("required", JsonValue.from(List.of("animal", "count")))
                .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                .build();
        ChatCompletion chat = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(Stories260KServer.MODEL).addUserMessage("Which animal?").maxCompletionTokens(60).temperature(1.0).seed(5L).n(4)
                .responseFormat(ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                        .name("answer").schema(schema).strict(true).build()).build())
                .build());
        ObjectMapper json = new ObjectMapper();
        for (ChatCompletion.Choice choice : chat.choices()) {
            JsonNode doc = json.readTree(choice.message().content().orElseThrow());
            assertTrue(List.of("cat", "dog", "bird").contains(doc.get("animal").asText()), doc.toString());
            assertTrue(doc.get("count").isIntegralNumber(), doc.toString());
            assertEquals(2, doc.size(), doc.toString());
        }
        Completion object = client.completions().create(completion(PROMPT, 200).temperature(0.0)
                .putAdditionalBodyProperty("response_format", JsonValue.from(Map.of("type", "json_object"))).build());
        CompletionChoice only = object.choices().get(0);
        if (only.finishReason() == CompletionChoice.FinishReason.STOP) {
            assertTrue(json.readTree(only.text()).isObject(), only.text());
        }
        BadRequestException refused = assertThrows(BadRequestException.class, () -> client.chat().completions().create(
                ChatCompletionCreateParams.builder().model(Stories260KServer.MODEL).addUserMessage("x").maxCompletionTokens(5)
                        .responseFormat(ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                                .name("bad").schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                                        .putAdditionalProperty("type", JsonValue.from("string"))
                                        .putAdditionalProperty("format", JsonValue.from("email")).build()).build()).build())
                        .build()));
        assertTrue(refused.getMessage().contains("unsupported JSON Schema keyword 'format'"), refused.getMessage());
    }
}
