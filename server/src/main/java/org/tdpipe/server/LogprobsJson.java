package org.tdpipe.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.tdpipe.core.exec.PromptLogprobs;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.exec.TokenLogprob;
import org.tdpipe.model.tokenizer.Tokenizer;

/** Writes log-probabilities in the two shapes of the OpenAI API. */
final class LogprobsJson {
    private final Tokenizer tokenizer;

    LogprobsJson(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * The completions shape: {@code {"tokens", "token_logprobs", "top_logprobs", "text_offset"}};
     * offsets count from {@code textOffset}, the length of the text before these tokens. An echoed
     * prompt's tokens come first, as vLLM writes them: the first with null log-probabilities, the
     * others with their own among their top ones.
     */
    void completion(ObjectNode logprobs, Optional<ChoiceEvent.EchoedPrompt> echoed, List<SampledToken> tokens, int textOffset) {
        ArrayNode texts = logprobs.putArray("tokens");
        ArrayNode values = logprobs.putArray("token_logprobs");
        ArrayNode tops = logprobs.putArray("top_logprobs");
        ArrayNode offsets = logprobs.putArray("text_offset");
        int offset = textOffset;
        if (echoed.isPresent()) {
            String first = text(echoed.get().firstToken());
            texts.add(first);
            values.addNull();
            tops.addNull();
            offsets.add(offset);
            offset += first.length();
            for (SampledToken s : echoed.get().scores().scores()) {
                offset = entry(texts, values, tops, offsets, offset, s, true);
            }
        }
        for (SampledToken s : tokens) {
            offset = entry(texts, values, tops, offsets, offset, s, false);
        }
    }

    /** One token of the completions shape; returns the offset after it. */
    private int entry(ArrayNode texts, ArrayNode values, ArrayNode tops, ArrayNode offsets, int offset, SampledToken s,
            boolean withItself) {
        String text = text(s.token());
        texts.add(text);
        values.add(s.logprob());
        ObjectNode top = tops.addObject();
        if (withItself) {
            top.put(text, s.logprob());
        }
        for (TokenLogprob t : s.topLogprobs()) {
            top.put(text(t.token()), t.logprob());
        }
        offsets.add(offset);
        return offset + text.length();
    }

    /**
     * vLLM's {@code prompt_logprobs}: null for the first prompt token, then for each one an object keyed
     * by token id holding it and the top tokens at its position, each {@code {"logprob", "rank", "decoded_token"}}.
     */
    void prompt(ArrayNode out, PromptLogprobs prompt) {
        out.addNull();
        for (int i = 0; i < prompt.scores().size(); i++) {
            SampledToken s = prompt.scores().get(i);
            ObjectNode position = out.addObject();
            promptEntry(position, s.token(), s.logprob(), prompt.ranks().get(i));
            for (int rank = 0; rank < s.topLogprobs().size(); rank++) {
                TokenLogprob t = s.topLogprobs().get(rank);
                if (t.token() != s.token()) {
                    promptEntry(position, t.token(), t.logprob(), rank + 1);
                }
            }
        }
    }

    private void promptEntry(ObjectNode position, int token, float logprob, int rank) {
        ObjectNode e = position.putObject(Integer.toString(token));
        e.put("logprob", logprob);
        e.put("rank", rank);
        e.put("decoded_token", text(token));
    }

    /** The chat shape: {@code {"content": [{"token", "logprob", "bytes", "top_logprobs"}]}}. */
    void chat(ObjectNode logprobs, List<SampledToken> tokens) {
        ArrayNode content = logprobs.putArray("content");
        for (SampledToken s : tokens) {
            ObjectNode entry = entry(content.addObject(), s.token(), s.logprob());
            ArrayNode top = entry.putArray("top_logprobs");
            for (TokenLogprob t : s.topLogprobs()) {
                entry(top.addObject(), t.token(), t.logprob());
            }
        }
        logprobs.putNull("refusal");
    }

    private ObjectNode entry(ObjectNode node, int token, float logprob) {
        node.put("token", text(token));
        node.put("logprob", logprob);
        ArrayNode bytes = node.putArray("bytes");
        for (byte b : tokenizer.tokenBytes(token)) {
            bytes.add(b & 0xFF);
        }
        return node;
    }

    private String text(int token) {
        return new String(tokenizer.tokenBytes(token), StandardCharsets.UTF_8);
    }
}
