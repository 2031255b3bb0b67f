package org.tdpipe.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.tdpipe.core.exec.PromptLogprobs;
import org.tdpipe.core.exec.SampledToken;

/** {@code POST /v1/completions}: {@code text_completion} objects, whole or streamed. */
final class CompletionFormat extends ResponseFormat {
    private final LogprobsJson logprobsJson;

    CompletionFormat(Envelope envelope, LogprobsJson logprobsJson) {
        super(envelope);
        this.logprobsJson = logprobsJson;
    }

    @Override
    String idPrefix() {
        return "cmpl";
    }

    @Override
    String responseObject() {
        return "text_completion";
    }

    @Override
    String chunkObject() {
        return "text_completion";
    }

    @Override
    void writeChoice(ObjectNode choice, ChoiceResult result, boolean logprobs) {
        choice.put("text", result.text.toString());
        writeLogprobs(choice, logprobs, result.echoed, result.logprobs, 0);
    }

    @Override
    void writeDelta(ObjectNode choice, ChoiceEvent.Delta delta, int textOffset, boolean logprobs) {
        choice.put("text", delta.text());
        writeLogprobs(choice, logprobs, delta.echoed(), delta.logprobs(), textOffset);
    }

    @Override
    void writePromptLogprobs(ObjectNode response, ObjectNode choice, PromptLogprobs prompt) {
        logprobsJson.prompt(choice.putArray("prompt_logprobs"), prompt);
    }

    @Override
    void writeFinalDelta(ObjectNode choice) {
        choice.put("text", "");
    }

    private void writeLogprobs(ObjectNode choice, boolean logprobs, Optional<ChoiceEvent.EchoedPrompt> echoed,
            List<SampledToken> tokens, int textOffset) {
        if (logprobs) {
            logprobsJson.completion(choice.putObject("logprobs"), echoed, tokens, textOffset);
        } else {
            choice.putNull("logprobs");
        }
    }
}
