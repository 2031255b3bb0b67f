package org.tdpipe.model.chat;

import java.util.Objects;

/** One turn of a chat conversation, as the OpenAI API and Hugging Face chat templates see it. */
public record ChatMessage(String role, String content) {
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }
}
