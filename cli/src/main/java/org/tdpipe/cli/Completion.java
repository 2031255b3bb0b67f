package org.tdpipe.cli;

import java.util.List;
import org.tdpipe.core.exec.SampledToken;

/** The result of one line of {@code generate}: its prompt's length and its {@code n} completions, in choice order. */
record Completion(String id, PromptInput prompt, int promptTokens, List<Choice> choices) {
    /** One completion of the prompt. */
    record Choice(String text, int[] tokenIds, String finishReason, int completionTokens, List<SampledToken> logprobs) {
    }

    Completion {
        choices = List.copyOf(choices);
        if (choices.isEmpty()) {
            throw new IllegalArgumentException("a completion has at least one choice");
        }
    }

    /** Tokens generated over all choices. */
    int completionTokens() {
        return choices.stream().mapToInt(Choice::completionTokens).sum();
    }
}
