package org.tdpipe.cli;

import java.util.Optional;
import org.tdpipe.model.chat.ChatTemplate;
import org.tdpipe.model.chat.ChatTemplateException;
import org.tdpipe.model.tokenizer.Tokenizer;

/**
 * Turns a {@link PromptInput} into prompt token ids: text gets the vocabulary's BOS (when it has
 * one) in front; a conversation is rendered with the chat template, which writes its own BOS.
 */
final class PromptEncoder {
    private final Tokenizer tokenizer;
    private final Optional<ChatTemplate> template;
    private final int contextLength;

    /** {@code template}: the chat template, empty when the model has none and none was given. */
    PromptEncoder(Tokenizer tokenizer, Optional<ChatTemplate> template, int contextLength) {
        this.tokenizer = tokenizer;
        this.template = template;
        this.contextLength = contextLength;
    }

    boolean hasChatTemplate() {
        return template.isPresent();
    }

    /** The prompt's token ids; a prompt that leaves no room in the context to generate is refused. */
    int[] encode(PromptInput prompt) {
        int[] ids = switch (prompt) {
            case PromptInput.Text text -> tokenizer.encode(text.text(), tokenizer.bosId() >= 0);
            case PromptInput.Chat chat -> tokenizer.encode(render(chat), false);
        };
        if (ids.length == 0) {
            throw new IllegalArgumentException("empty prompt and the vocabulary has no BOS token to start from");
        }
        if (ids.length >= contextLength) {
            throw new IllegalArgumentException("the prompt has " + ids.length + " tokens, the model's context only "
                    + contextLength + " (no room to generate)");
        }
        return ids;
    }

    private String render(PromptInput.Chat chat) {
        ChatTemplate chatTemplate = template.orElseThrow(() -> new IllegalArgumentException(
                "chat messages need a chat template: the model has none; give one with --chat-template FILE"));
        try {
            return chatTemplate.render(chat.messages(), true);
        } catch (ChatTemplateException e) {
            throw new IllegalArgumentException("chat template: " + e.getMessage());
        }
    }
}
