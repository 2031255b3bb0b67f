package org.tdpipe.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.exec.TokenLogprob;
import org.tdpipe.model.chat.ChatMessage;

/**
 * One line of {@code generate}'s JSONL output: {@code id}, the prompt or messages (with echo),
 * {@code text}, {@code token_ids}, {@code finish_reason}, {@code usage} and, when asked, {@code logprobs}.
 * A line with {@code n} > 1 has a {@code choices} list of {@code {index, text, token_ids,
 * finish_reason, logprobs}} instead, and its usage counts the prompt once and every choice's tokens.
 */
final class CompletionJson {
    private final ObjectMapper json = new ObjectMapper();
    private final boolean echo;

    CompletionJson(boolean echo) {
        this.echo = echo;
    }

    /** The completion as one line of JSON (no line break). */
    String line(Completion c) {
        try {
            return json.writeValueAsString(toJson(c));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the result of " + c.id() + " as JSON", e);
        }
    }

    private ObjectNode toJson(Completion c) {
        ObjectNode o = json.createObjectNode();
        o.put("id", c.id());
        if (echo) {
            switch (c.prompt()) {
                case PromptInput.Text text -> o.put("prompt", text.text());
                case PromptInput.Chat chat -> {
                    ArrayNode messages = o.putArray("messages");
                    for (ChatMessage m : chat.messages()) {
                        messages.addObject().put("role", m.role()).put("content", m.content());
                    }
                }
            }
        }
        if (c.choices().size() == 1) {
            putChoice(o, c.choices().getFirst());
        } else {
            ArrayNode choices = o.putArray("choices");
            for (int i = 0; i < c.choices().size(); i++) {
                putChoice(choices.addObject().put("index", i), c.choices().get(i));
            }
        }
        o.putObject("usage")
                .put("prompt_tokens", c.promptTokens())
                .put("completion_tokens", c.completionTokens())
                .put("total_tokens", c.promptTokens() + c.completionTokens());
        return o;
    }

    private static void putChoice(ObjectNode o, Completion.Choice c) {
        o.put("text", c.text());
        ArrayNode ids = o.putArray("token_ids");
        for (int t : c.tokenIds()) {
            ids.add(t);
        }
        o.put("finish_reason", c.finishReason());
        if (!c.logprobs().isEmpty()) {
            ArrayNode lp = o.putArray("logprobs");
            for (SampledToken s : c.logprobs()) {
                ObjectNode t = lp.addObject();
                t.put("token", s.token());
                t.put("logprob", s.logprob());
                ArrayNode top = t.putArray("top_logprobs");
                for (TokenLogprob l : s.topLogprobs()) {
                    top.addObject().put("token", l.token()).put("logprob", l.logprob());
                }
            }
        }
    }
}
