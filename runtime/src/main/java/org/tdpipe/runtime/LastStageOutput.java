package org.tdpipe.runtime;

import java.util.List;
import org.tdpipe.core.exec.PromptLogprobs;
import org.tdpipe.core.exec.SampledToken;

/**
 * What the last stage makes of a batch: one token per sampling sequence (in batch order), and the
 * scores of the prompt tokens the batch fed for the requests that asked.
 */
public record LastStageOutput(List<SampledToken> sampled, List<PromptLogprobs> promptLogprobs) {
    public LastStageOutput {
        sampled = List.copyOf(sampled);
        promptLogprobs = List.copyOf(promptLogprobs);
    }
}
