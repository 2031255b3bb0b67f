package org.tdpipe.core.request;

/** Why a request finished; the names follow OpenAI/vLLM's {@code finish_reason}. */
public enum FinishReason {
    /** EOS, a stop token id or a stop string. */
    STOP("stop"),
    /** {@code max_tokens} reached. */
    LENGTH("length"),
    /** Cancelled by the client or the engine. */
    ABORT("abort"),
    /** Can never be scheduled (prompt longer than the limit or than the whole KV cache). */
    IGNORED("length"),
    /** Failed with an error (bad input, a worker fault). */
    ERROR("error");

    private final String openAiName;

    FinishReason(String openAiName) {
        this.openAiName = openAiName;
    }

    public String openAiName() {
        return openAiName;
    }
}
