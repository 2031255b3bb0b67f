package org.tdpipe.server;

import java.util.Optional;
import org.tdpipe.model.chat.ChatTemplate;
import org.tdpipe.model.tokenizer.Tokenizer;

/**
 * The model as the API presents it.
 *
 * @param name the id clients put in {@code model} ({@code --served-model-name}, else the model path)
 * @param root where the model was loaded from
 * @param contextLength longest prompt + completion, in tokens
 * @param chatTemplate how chat messages become a prompt; empty when the model has none and none was given
 * @param createdEpochSeconds when the server started serving it
 */
public record ServedModel(String name, String root, Tokenizer tokenizer, int contextLength,
        Optional<ChatTemplate> chatTemplate, long createdEpochSeconds) {
}
