package org.tdpipe.server;

import java.util.List;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.model.sampling.OutputTextOptions;

/**
 * A validated completion or chat request: what to generate from, and how.
 *
 * @param prompts token ids of each prompt (chat: one); every prompt gets {@code n} choices
 * @param sampling the sampling parameters of the first choice; choice i uses seed + i
 * @param logprobs whether to report log-probabilities ({@code sampling.logprobs()} top ones per token)
 * @param text how the output tokens become text
 * @param echoes the text of each prompt to return before its output ({@code echo}), or empty for none
 * @param promptLogprobs whether to report the prompt's scores ({@code prompt_logprobs} asked for)
 */
record GenerationRequest(List<int[]> prompts, SamplingParams sampling, int n, boolean stream, boolean includeUsage,
        boolean logprobs, OutputTextOptions text, List<String> echoes, boolean promptLogprobs) {

    int numChoices() {
        return prompts.size() * n;
    }

    /** The prompt of choice {@code index} (choices are numbered prompt by prompt). */
    int[] promptOf(int index) {
        return prompts.get(index / n);
    }

    /** What choice {@code index} starts with: its prompt when echoed (with its scores when log-probabilities are asked for). */
    Echo echoOf(int index) {
        return echoes.isEmpty() ? Echo.NONE : new Echo(echoes.get(index / n), promptOf(index)[0], logprobs);
    }

    /** Sampling for choice {@code index}: with a seed, each choice draws its own reproducible sample. */
    SamplingParams samplingOf(int index) {
        return sampling.forChoice(index % n);
    }
}
