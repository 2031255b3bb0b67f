package org.tdpipe.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.tdpipe.core.exec.PromptLogprobs;

/**
 * The JSON of one endpoint's responses, whole or as stream chunks: the envelope, the choices array,
 * finish reasons and usage are the same for completions and chat; subclasses write what a choice
 * holds ({@code text} or a {@code message} / {@code delta}) and name the objects. Choices are numbered
 * as in the request.
 */
abstract class ResponseFormat {
    private final Envelope envelope;

    ResponseFormat(Envelope envelope) {
        this.envelope = envelope;
    }

    /** Prefix of response ids ({@code cmpl} or {@code chatcmpl}). */
    abstract String idPrefix();

    /** The {@code object} of a whole response. */
    abstract String responseObject();

    /** The {@code object} of a stream chunk. */
    abstract String chunkObject();

    /** Writes a whole choice's content (and its log-probabilities, or null) into {@code choice}. */
    abstract void writeChoice(ObjectNode choice, ChoiceResult result, boolean logprobs);

    /** Writes new text of a choice (and the log-probabilities of its tokens, or null) into a chunk's {@code choice}. */
    abstract void writeDelta(ObjectNode choice, ChoiceEvent.Delta delta, int textOffset, boolean logprobs);

    /** Writes the content of the chunk that carries a choice's finish reason. */
    abstract void writeFinalDelta(ObjectNode choice);

    /**
     * Writes how the model scored the prompt ({@code prompt_logprobs}) into the choice (completions) or
     * the response or chunk around it (chat), as vLLM does.
     */
    abstract void writePromptLogprobs(ObjectNode response, ObjectNode choice, PromptLogprobs prompt);

    /** Chunks that open a stream for choice {@code index} before any text (chat: the assistant role). */
    List<ObjectNode> openingChunks(String id, int index) {
        return List.of();
    }

    /** The whole response of a non-streamed request. */
    final ObjectNode response(String id, List<ChoiceResult> choices, Usage usage, boolean logprobs) {
        ObjectNode o = envelope.start(id, responseObject());
        ArrayNode array = o.putArray("choices");
        for (int i = 0; i < choices.size(); i++) {
            ObjectNode choice = array.addObject();
            choice.put("index", i);
            writeChoice(choice, choices.get(i), logprobs);
            choice.put("finish_reason", choices.get(i).done.finishReason());
            choices.get(i).done.promptLogprobs().ifPresent(p -> writePromptLogprobs(o, choice, p));
        }
        usage.writeTo(o.putObject("usage"));
        return o;
    }

    /** A chunk with new text of one choice; {@code textOffset} is the length of the text sent before it. */
    final ObjectNode deltaChunk(String id, ChoiceEvent.Delta delta, int textOffset, boolean logprobs) {
        ObjectNode o = envelope.start(id, chunkObject());
        ObjectNode choice = chunkChoice(o, delta.index());
        writeDelta(choice, delta, textOffset, logprobs);
        choice.putNull("finish_reason");
        return o;
    }

    /** The chunk that ends a choice with its finish reason (and the prompt's scores, when asked for). */
    final ObjectNode finishChunk(String id, ChoiceEvent.Done done) {
        ObjectNode o = envelope.start(id, chunkObject());
        ObjectNode choice = chunkChoice(o, done.index());
        writeFinalDelta(choice);
        choice.putNull("logprobs");
        choice.put("finish_reason", done.finishReason());
        done.promptLogprobs().ifPresent(p -> writePromptLogprobs(o, choice, p));
        return o;
    }

    /** The last chunk when {@code stream_options.include_usage}: no choices, the usage. */
    final ObjectNode usageChunk(String id, Usage usage) {
        ObjectNode o = envelope.start(id, chunkObject());
        o.putArray("choices");
        usage.writeTo(o.putObject("usage"));
        return o;
    }

    /** A chunk for choice {@code index}, not yet filled. */
    final ObjectNode chunk(String id, int index) {
        ObjectNode o = envelope.start(id, chunkObject());
        chunkChoice(o, index);
        return o;
    }

    private static ObjectNode chunkChoice(ObjectNode chunk, int index) {
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", index);
        return choice;
    }
}
