package org.tdpipe.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tdpipe.model.chat.ChatMessage;
import org.tdpipe.model.sampling.SampledToken;
import org.tdpipe.model.sampling.TokenLogprob;

/**
 * One line of {@code generate}'s JSONL output: {@code id}, the prompt or messages (with echo),
 * {@code text}, {@code token_ids}, {@code finish_reason}, {@code usage} and, when asked, {@code logprobs}.
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
        o.put("text", c.text());
        ArrayNode ids = o.putArray("token_ids");
        for (int t : c.tokenIds()) {
            ids.add(t);
        }
        o.put("finish_reason", c.finishReason());
        o.putObject("usage")
                .put("prompt_tokens", c.promptTokens())
                .put("completion_tokens", c.completionTokens())
                .put("total_tokens", c.promptTokens() + c.completionTokens());
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
        return o;
    }
}
