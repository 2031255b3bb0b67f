package org.tdpipe.model.chat;

/**
 * A chat template that cannot be parsed, or a conversation it refuses (its {@code raise_exception},
 * e.g. "Conversation roles must alternate user/assistant/user/assistant/...").
 */
public final class ChatTemplateException extends RuntimeException {
    public ChatTemplateException(String message) {
        super(message);
    }
}
