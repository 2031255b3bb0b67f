package org.tdpipe.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.tdpipe.model.sampling.SampledToken;

/** {@code POST /v1/completions}: {@code text_completion} objects, whole or streamed. */
final class CompletionFormat implements ResponseFormat {
    private static final String OBJECT = "text_completion";

    private final Envelope envelope;
    private final LogprobsJson logprobsJson;

    CompletionFormat(Envelope envelope, LogprobsJson logprobsJson) {
        this.envelope = envelope;
        this.logprobsJson = logprobsJson;
    }

    @Override
    public String idPrefix() {
        return "cmpl";
    }

    @Override
    public ObjectNode response(String id, List<ChoiceResult> choices, Usage usage, boolean logprobs) {
        ObjectNode o = envelope.start(id, OBJECT);
        ArrayNode array = o.putArray("choices");
        for (int i = 0; i < choices.size(); i++) {
            ChoiceResult c = choices.get(i);
            ObjectNode choice = array.addObject();
            choice.put("index", i);
            choice.put("text", c.text.toString());
            putLogprobs(choice, logprobs, c.logprobs, 0);
            choice.put("finish_reason", c.done.finishReason());
        }
        usage.writeTo(o.putObject("usage"));
        return o;
    }

    @Override
    public List<ObjectNode> openingChunks(String id, int index) {
        return List.of();
    }

    @Override
    public ObjectNode deltaChunk(String id, ChoiceEvent.Delta delta, int textOffset, boolean logprobs) {
        ObjectNode o = envelope.start(id, OBJECT);
        ObjectNode choice = o.putArray("choices").addObject();
        choice.put("index", delta.index());
        choice.put("text", delta.text());
        putLogprobs(choice, logprobs, delta.logprobs(), textOffset);
        choice.putNull("finish_reason");
        return o;
    }

    @Override
    public ObjectNode finishChunk(String id, int index, String finishReason) {
        ObjectNode o = envelope.start(id, OBJECT);
        ObjectNode choice = o.putArray("choices").addObject();
        choice.put("index", index);
        choice.put("text", "");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        return o;
    }

    @Override
    public ObjectNode usageChunk(String id, Usage usage) {
        ObjectNode o = envelope.start(id, OBJECT);
        o.putArray("choices");
        usage.writeTo(o.putObject("usage"));
        return o;
    }

    private void putLogprobs(ObjectNode choice, boolean logprobs, List<SampledToken> tokens,
            int textOffset) {
        if (logprobs) {
            logprobsJson.completion(choice.putObject("logprobs"), tokens, textOffset);
        } else {
            choice.putNull("logprobs");
        }
    }
}
