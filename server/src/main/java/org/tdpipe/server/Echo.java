package org.tdpipe.server;

/**
 * What a completion choice returns of its prompt before the output ({@code echo}).
 *
 * @param text the prompt as given (or decoded, when given as token ids); empty for no echo
 * @param firstToken the prompt's first token, which has no score
 * @param withLogprobs whether the prompt's tokens come with their log-probabilities (echo with {@code logprobs})
 */
record Echo(String text, int firstToken, boolean withLogprobs) {
    static final Echo NONE = new Echo("", -1, false);
}
