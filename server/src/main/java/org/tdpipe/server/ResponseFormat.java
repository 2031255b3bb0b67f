package org.tdpipe.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The JSON of one endpoint's responses ({@code text_completion} or {@code chat.completion}), whole
 * or as stream chunks. Choices are numbered as in the request.
 */
interface ResponseFormat {
    /** Prefix of response ids ({@code cmpl} or {@code chatcmpl}). */
    String idPrefix();

    /** The whole response of a non-streamed request. */
    ObjectNode response(String id, List<ChoiceResult> choices, Usage usage, boolean logprobs);

    /** Chunks that open a stream for choice {@code index} before any text (chat: the assistant role). */
    List<ObjectNode> openingChunks(String id, int index);

    /** A chunk with new text of one choice; {@code textOffset} is the length of the text sent before it. */
    ObjectNode deltaChunk(String id, ChoiceEvent.Delta delta, int textOffset, boolean logprobs);

    /** The chunk that ends choice {@code index} with its finish reason. */
    ObjectNode finishChunk(String id, int index, String finishReason);

    /** The last chunk when {@code stream_options.include_usage}: no choices, the usage. */
    ObjectNode usageChunk(String id, Usage usage);
}
