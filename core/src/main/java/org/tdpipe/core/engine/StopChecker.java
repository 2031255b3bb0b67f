package org.tdpipe.core.engine;

import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;

/**
 * Decides whether a request is done after a token was appended: {@code max_tokens}, the model's
 * context length, EOS (unless {@code ignore_eos}) and stop token ids (also with {@code ignore_eos},
 * as in vLLM). Stop strings need the
 * tokenizer and are checked by the front-end that owns it.
 */
public final class StopChecker {
    /** Use when the model has no EOS token (the simulator). */
    public static final int NO_EOS = -1;

    private final int eosTokenId;
    private final int maxModelLen;

    public StopChecker(int eosTokenId, int maxModelLen) {
        this.eosTokenId = eosTokenId;
        this.maxModelLen = maxModelLen;
    }

    /** The finish reason after {@code token} was appended to {@code request}, or null to go on. */
    public FinishReason check(Request request, int token) {
        SamplingParams p = request.sampling();
        if ((!p.ignoreEos() && token == eosTokenId) || p.stopTokenIds().contains(token)) {
            return FinishReason.STOP;
        }
        if (request.numOutputTokens() >= p.maxTokens() || request.numTokens() >= maxModelLen) {
            return FinishReason.LENGTH;
        }
        return null;
    }
}
