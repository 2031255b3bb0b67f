package org.tdpipe.model.sampling;

import org.tdpipe.model.tokenizer.DecodeOptions;

/**
 * How a request's output tokens become its text, as vLLM's output options.
 *
 * @param decode how control tokens are written ({@code skip_special_tokens}, {@code spaces_between_special_tokens})
 * @param includeStopStr keep the stop string, or the text of the stop token, that ended the output
 *     ({@code include_stop_str_in_output})
 */
public record OutputTextOptions(DecodeOptions decode, boolean includeStopStr) {
    public static final OutputTextOptions DEFAULT = new OutputTextOptions(DecodeOptions.DEFAULT, false);
}
