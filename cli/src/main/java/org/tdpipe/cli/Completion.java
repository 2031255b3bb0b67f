package org.tdpipe.cli;

import java.util.List;
import org.tdpipe.model.sampling.SampledToken;

/** The result of one prompt of {@code generate}, as written to the output JSONL. */
record Completion(String id, String prompt, String text, int[] tokenIds, String finishReason, int promptTokens,
        int completionTokens, List<SampledToken> logprobs) {
}
