package org.tdpipe.core.exec;

/** A token and its log-probability under the model's raw distribution. */
public record TokenLogprob(int token, float logprob) {
}
