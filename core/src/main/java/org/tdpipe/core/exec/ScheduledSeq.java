package org.tdpipe.core.exec;

import org.tdpipe.core.request.Request;

/**
 * One sequence's share of a batch: feed tokens {@code [start, start + numTokens)} of the request
 * (their KV goes to the request's block table) and, if {@code samples}, sample its next token
 * from the logits of the last one. A prefill chunk that does not reach the end of the prompt does
 * not sample.
 */
public record ScheduledSeq(Request request, int start, int numTokens, boolean samples) {
    public ScheduledSeq {
        if (numTokens < 1 || start < 0) {
            throw new IllegalArgumentException("bad slice [" + start + ", +" + numTokens + ") of " + request);
        }
    }

    /** Context length after this step: tokens whose KV attention reads for the last new token. */
    public int contextLength() {
        return start + numTokens;
    }

    public boolean isDecode() {
        return numTokens == 1 && start > 0 && start == request.promptLength() + request.numOutputTokens() - 1;
    }
}
