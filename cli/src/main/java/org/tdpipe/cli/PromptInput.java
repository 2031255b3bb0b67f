package org.tdpipe.cli;

import java.util.List;
import org.tdpipe.model.chat.ChatMessage;

/** What a request generates from: plain prompt text, or a chat conversation rendered by the model's chat template. */
sealed interface PromptInput {
    /** A completion prompt. */
    record Text(String text) implements PromptInput {
    }

    /** A chat conversation ({@code messages}). */
    record Chat(List<ChatMessage> messages) implements PromptInput {
        public Chat {
            messages = List.copyOf(messages);
        }
    }
}
