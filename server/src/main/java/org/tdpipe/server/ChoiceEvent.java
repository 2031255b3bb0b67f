package org.tdpipe.server;

import java.util.List;
import java.util.Optional;
import org.tdpipe.core.exec.PromptLogprobs;
import org.tdpipe.core.exec.SampledToken;

/** What one choice of a request produced, handed from the engine thread to the HTTP thread. */
sealed interface ChoiceEvent {
    int index();

    /** New text (possibly empty) and the tokens it came from, with log-probabilities when asked for. */
    record Delta(int index, String text, List<SampledToken> logprobs) implements ChoiceEvent {
    }

    /**
     * The choice finished.
     *
     * @param finishReason OpenAI's {@code finish_reason} ("stop", "length", "abort", "error")
     * @param error the engine's message when the finish reason is "error", else null
     * @param promptLogprobs how the model scored the prompt, when the request asked ({@code prompt_logprobs})
     */
    record Done(int index, String finishReason, int promptTokens, int completionTokens, String error,
            Optional<PromptLogprobs> promptLogprobs) implements ChoiceEvent {
    }
}
