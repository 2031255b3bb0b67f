package org.tdpipe.server;

import java.util.List;
import java.util.Optional;
import org.tdpipe.core.exec.PromptLogprobs;
import org.tdpipe.core.exec.SampledToken;

/** What one choice of a request produced, handed from the engine thread to the HTTP thread. */
sealed interface ChoiceEvent {
    int index();

    /**
     * New text (possibly empty) and the tokens it came from, with log-probabilities when asked for;
     * an echoed prompt with log-probabilities brings its tokens' scores.
     */
    record Delta(int index, String text, List<SampledToken> logprobs, Optional<EchoedPrompt> echoed) implements ChoiceEvent {
        Delta(int index, String text, List<SampledToken> logprobs) {
            this(index, text, logprobs, Optional.empty());
        }
    }

    /** The echoed prompt's tokens: the first (which has no score), then the scored ones. */
    record EchoedPrompt(int firstToken, PromptLogprobs scores) {
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
