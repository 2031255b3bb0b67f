package org.tdpipe.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.tdpipe.core.exec.PromptLogprobs;
import org.tdpipe.core.exec.SampledToken;

/** {@code POST /v1/chat/completions}: {@code chat.completion} objects and {@code chat.completion.chunk}s. */
final class ChatFormat extends ResponseFormat {
    private final LogprobsJson logprobsJson;

    ChatFormat(Envelope envelope, LogprobsJson logprobsJson) {
        super(envelope);
        this.logprobsJson = logprobsJson;
    }

    @Override
    String idPrefix() {
        return "chatcmpl";
    }

    @Override
    String responseObject() {
        return "chat.completion";
    }

    @Override
    String chunkObject() {
        return "chat.completion.chunk";
    }

    @Override
    void writeChoice(ObjectNode choice, ChoiceResult result, boolean logprobs) {
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", result.text.toString());
        message.putNull("refusal");
        writeLogprobs(choice, logprobs, result.logprobs);
    }

    @Override
    void writeDelta(ObjectNode choice, ChoiceEvent.Delta delta, int textOffset, boolean logprobs) {
        choice.putObject("delta").put("content", delta.text());
        writeLogprobs(choice, logprobs, delta.logprobs());
    }

    @Override
    void writePromptLogprobs(ObjectNode response, ObjectNode choice, PromptLogprobs prompt) {
        logprobsJson.prompt(response.putArray("prompt_logprobs"), prompt);
    }

    @Override
    void writeFinalDelta(ObjectNode choice) {
        choice.putObject("delta");
    }

    /** The first chunk of each choice gives the assistant role. */
    @Override
    List<ObjectNode> openingChunks(String id, int index) {
        ObjectNode o = chunk(id, index);
        ObjectNode choice = (ObjectNode) o.get("choices").get(0);
        ObjectNode delta = choice.putObject("delta");
        delta.put("role", "assistant");
        delta.put("content", "");
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return List.of(o);
    }

    private void writeLogprobs(ObjectNode choice, boolean logprobs, List<SampledToken> tokens) {
        if (logprobs) {
            logprobsJson.chat(choice.putObject("logprobs"), tokens);
        } else {
            choice.putNull("logprobs");
        }
    }
}
