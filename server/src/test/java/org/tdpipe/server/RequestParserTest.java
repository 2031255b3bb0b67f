package org.tdpipe.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.request.MinTokens;
import org.tdpipe.model.chat.ChatTemplate;
import org.tdpipe.model.dummy.ByteTokenizer;
import org.tdpipe.model.sampling.OutputTextOptions;
import org.tdpipe.model.tokenizer.DecodeOptions;

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

    @Test
    void vllmOutputFieldsReachTheSamplingAndTextOptions() throws Exception {
        GenerationRequest r = parser.completion(json("{\"prompt\": \"hi\", \"max_tokens\": 8, \"logit_bias\": "
                + "{\"50\": 250, \"51\": -3.5}, \"min_tokens\": 4, \"stop_token_ids\": [60], "
                + "\"include_stop_str_in_output\": true, \"skip_special_tokens\": false, "
                + "\"spaces_between_special_tokens\": false}"));
        assertEquals(Map.of(50, 100f, 51, -3.5f), r.sampling().logitBias(), "bias is clamped to [-100, 100] as vLLM does");
        assertEquals(new MinTokens(4, Set.of(60, tokenizer.eosId())), r.sampling().minTokens());
        assertEquals(new OutputTextOptions(new DecodeOptions(false, false), true), r.text());
        GenerationRequest ignoringEos = parser.completion(json("{\"prompt\": \"hi\", \"min_tokens\": 2, \"ignore_eos\": true}"));
        assertEquals(Set.of(), ignoringEos.sampling().minTokens().bannedIds(), "with ignore_eos, EOS ends nothing");
        GenerationRequest plain = parser.completion(json("{\"prompt\": \"hi\"}"));
        assertEquals(OutputTextOptions.DEFAULT, plain.text());
        assertEquals(MinTokens.NONE, plain.sampling().minTokens());
    }

    @Test
    void echoReturnsEachPromptAsGiven() throws Exception {
        GenerationRequest r = parser.completion(json("{\"prompt\": [\"Once\", \"upon\"], \"n\": 2, \"echo\": true}"));
        assertEquals("Once", r.echoOf(1).text());
        assertEquals("upon", r.echoOf(2).text());
        assertEquals(r.promptOf(2)[0], r.echoOf(2).firstToken());
        GenerationRequest tokens = parser.completion(json("{\"prompt\": [1, " + (3 + 'h') + ", " + (3 + 'i') + "], \"echo\": true}"));
        assertEquals("hi", tokens.echoOf(0).text(), "token prompts echo as they decode");
        assertEquals(Echo.NONE, parser.completion(json("{\"prompt\": \"x\"}")).echoOf(0));
        GenerationRequest scored = parser.completion(json("{\"prompt\": \"x\", \"echo\": true, \"logprobs\": 3}"));
        assertTrue(scored.echoOf(0).withLogprobs());
        assertEquals(3, scored.sampling().promptLogprobs(), "echo with logprobs scores the prompt");
        assertTrue(!scored.promptLogprobs(), "but reports no prompt_logprobs field unless asked");
    }

    @Test
    void toolsAreAcceptedWithToolChoiceNone() throws Exception {
        GenerationRequest r = parser.chat(json("{\"messages\": [{\"role\": \"user\", \"content\": \"hey\"}], \"tools\": "
                + "[{\"type\": \"function\", \"function\": {\"name\": \"f\"}}], \"tool_choice\": \"none\"}"));
        assertArrayEquals(tokenizer.encode("<s>hey", false), r.prompts().get(0), "the tools stay out of the prompt");
    }

    @Test
    void ignoredFieldNamesAreRememberedBoundedAndLoggedEscaped() throws Exception {
        IgnoredFields ignored = new IgnoredFields();
        for (int i = 0; i < IgnoredFields.MAX_REMEMBERED + 50; i++) {
            ignored.ignore("field" + i);
        }
        assertEquals(IgnoredFields.MAX_REMEMBERED, ignored.remembered());
        assertEquals("a\\u000ab\\u0027", IgnoredFields.shown("a\nb'"));
        assertEquals("x".repeat(64) + "...", IgnoredFields.shown("x".repeat(1000)));
    }
}
