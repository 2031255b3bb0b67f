package org.tdpipe.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tdpipe.model.chat.ChatTemplate;
import org.tdpipe.model.dummy.ByteTokenizer;

class RequestParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ByteTokenizer tokenizer = new ByteTokenizer(300);
    private final ServedModel model = new ServedModel("m", "dummy", tokenizer, 64,
            Optional.of(new ChatTemplate("{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}", "<s>", "</s>")), 0);
    private final RequestParser parser = new RequestParser(model);

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void completionDefaultsFollowOpenAi() throws Exception {
        GenerationRequest r = parser.completion(json("{\"prompt\": \"hi\"}"));
        assertEquals(16, r.sampling().maxTokens());
        assertEquals(1.0, r.sampling().temperature());
        assertEquals(1, r.n());
        assertArrayEquals(tokenizer.encode("hi", true), r.prompts().get(0));
        assertNull(r.sampling().seed());
    }

    @Test
    void everyPromptFormIsAccepted() throws Exception {
        assertEquals(2, parser.completion(json("{\"prompt\": [\"a\", \"b\"], \"n\": 3}")).numChoices() / 3);
        assertArrayEquals(new int[] {1, 5, 7}, parser.completion(json("{\"prompt\": [1, 5, 7]}")).prompts().get(0));
        assertEquals(2, parser.completion(json("{\"prompt\": [[1, 5], [1, 6]]}")).prompts().size());
    }

    @Test
    void choicesOfASeededRequestGetTheirOwnSeeds() throws Exception {
        GenerationRequest r = parser.completion(json("{\"prompt\": [\"a\", \"b\"], \"n\": 2, \"seed\": 10}"));
        assertEquals(10L, r.samplingOf(0).seed());
        assertEquals(11L, r.samplingOf(1).seed());
        assertEquals(10L, r.samplingOf(2).seed(), "the second prompt's choices repeat the seeds");
        assertArrayEquals(r.prompts().get(1), r.promptOf(3));
    }

    @Test
    void chatRendersTheTemplateAndFillsTheContextByDefault() throws Exception {
        GenerationRequest r = parser.chat(json("{\"messages\": [{\"role\": \"user\", \"content\": \"hey\"}], \"top_k\": 0}"));
        assertArrayEquals(tokenizer.encode("<s>hey", false), r.prompts().get(0));
        assertEquals(64 - r.prompts().get(0).length, r.sampling().maxTokens());
        assertEquals(-1, r.sampling().topK(), "top_k 0 disables, as in vLLM");
    }

    @Test
    void aTemplateThatExplodesOnTheConversationIsA400NamingTheLimitWithinASecond() throws Exception {
        RequestParser quadratic = new RequestParser(new ServedModel("m", "dummy", tokenizer, 64, Optional.of(new ChatTemplate(
                "{% for a in messages %}{% for b in messages %}{{ b.content }}{% endfor %}{% endfor %}", "", "")), 0));
        String messages = String.join(",", Collections.nCopies(5_000, "{\"role\": \"user\", \"content\": \"x\"}"));
        JsonNode body = json("{\"messages\": [" + messages + "]}");
        long start = System.nanoTime();
        ApiException e = assertThrows(ApiException.class, () -> quadratic.chat(body));
        assertTrue(System.nanoTime() - start < 1_000_000_000L, "took " + (System.nanoTime() - start) / 1e6 + " ms");
        assertEquals(400, e.status());
        assertTrue(e.getMessage().matches(".*\\((the step limit|the time limit)\\)"), e.getMessage());
    }

    @Test
    void aModelWithoutChatTemplateRefusesChat() {
        RequestParser plain = new RequestParser(new ServedModel("m", "dummy", tokenizer, 64, Optional.empty(), 0));
        ApiException e = assertThrows(ApiException.class,
                () -> plain.chat(json("{\"messages\": [{\"role\": \"user\", \"content\": \"hey\"}]}")));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("--chat-template"), e.getMessage());
    }

    @Test
    void aPromptAsLongAsTheContextIsRefused() throws Exception {
        ApiException e = assertThrows(ApiException.class, () -> parser.completion(json("{\"prompt\": \"" + "x".repeat(70) + "\"}")));
        assertEquals("prompt", e.body().param());
    }
}
