package org.tdpipe.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.tdpipe.model.sampling.SampledToken;

/** {@code POST /v1/chat/completions}: {@code chat.completion} objects and {@code chat.completion.chunk}s. */
final class ChatFormat implements ResponseFormat {
    private static final String OBJECT = "chat.completion";
    private static final String CHUNK = "chat.completion.chunk";

    private final Envelope envelope;
    private final LogprobsJson logprobsJson;

    ChatFormat(Envelope envelope, LogprobsJson logprobsJson) {
        this.envelope = envelope;
        this.logprobsJson = logprobsJson;
    }

    @Override
    public String idPrefix() {
        return "chatcmpl";
    }

    @Override
    public ObjectNode response(String id, List<ChoiceResult> choices, Usage usage, boolean logprobs) {
        ObjectNode o = envelope.start(id, OBJECT);
        ArrayNode array = o.putArray("choices");
        for (int i = 0; i < choices.size(); i++) {
            ChoiceResult c = choices.get(i);
            ObjectNode choice = array.addObject();
            choice.put("index", i);
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", c.text.toString());
            message.putNull("refusal");
            putLogprobs(choice, logprobs, c.logprobs);
            choice.put("finish_reason", c.done.finishReason());
        }
        usage.writeTo(o.putObject("usage"));
        return o;
    }

    @Override
    public List<ObjectNode> openingChunks(String id, int index) {
        ObjectNode o = envelope.start(id, CHUNK);
        ObjectNode choice = o.putArray("choices").addObject();
        choice.put("index", index);
        ObjectNode delta = choice.putObject("delta");
        delta.put("role", "assistant");
        delta.put("content", "");
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return List.of(o);
    }

    @Override
    public ObjectNode deltaChunk(String id, ChoiceEvent.Delta delta, int textOffset, boolean logprobs) {
        ObjectNode o = envelope.start(id, CHUNK);
        ObjectNode choice = o.putArray("choices").addObject();
        choice.put("index", delta.index());
        choice.putObject("delta").put("content", delta.text());
        putLogprobs(choice, logprobs, delta.logprobs());
        choice.putNull("finish_reason");
        return o;
    }

    @Override
    public ObjectNode finishChunk(String id, int index, String finishReason) {
        ObjectNode o = envelope.start(id, CHUNK);
        ObjectNode choice = o.putArray("choices").addObject();
        choice.put("index", index);
        choice.putObject("delta");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        return o;
    }

    @Override
    public ObjectNode usageChunk(String id, Usage usage) {
        ObjectNode o = envelope.start(id, CHUNK);
        o.putArray("choices");
        usage.writeTo(o.putObject("usage"));
        return o;
    }

    private void putLogprobs(ObjectNode choice, boolean logprobs, List<SampledToken> tokens) {
        if (logprobs) {
            logprobsJson.chat(choice.putObject("logprobs"), tokens);
        } else {
            choice.putNull("logprobs");
        }
    }
}
