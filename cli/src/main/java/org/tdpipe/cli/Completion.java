package org.tdpipe.cli;

import java.util.List;
import org.tdpipe.model.sampling.SampledToken;

/** The result of one request of {@code generate}. */
record Completion(String id, PromptInput prompt, String text, int[] tokenIds, String finishReason, int promptTokens,
        int completionTokens, List<SampledToken> logprobs) {
}
