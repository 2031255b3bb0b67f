package org.tdpipe.core.sched.vllm;

/**
 * The vLLM scheduler limits the baselines share (DESIGN §3).
 *
 * @param maxNumSeqs most requests a scheduler holds running at once (vLLM {@code max_num_seqs})
 * @param maxNumBatchedTokens token budget of one step (vLLM {@code max_num_batched_tokens}). The
 *     V0 policies (pp-vllm, tp) do not chunk prompts, so like vLLM V0 they raise it to at least
 *     the model length: their budget is {@code max(maxNumBatchedTokens, maxModelLen)}, vLLM V0's
 *     default when the option is 2048. pp-chunked uses it as given.
 * @param watermark fraction of a block pool kept free when admitting prefills (vLLM V0: 0.01)
 */
public record VllmOptions(int maxNumSeqs, int maxNumBatchedTokens, double watermark) {
    public static final int DEFAULT_MAX_NUM_SEQS = 256;
    public static final int DEFAULT_MAX_NUM_BATCHED_TOKENS = 2048;
    public static final double DEFAULT_WATERMARK = 0.01;

    public VllmOptions {
        if (maxNumSeqs < 1) {
            throw new IllegalArgumentException("max_num_seqs must be >= 1, got " + maxNumSeqs);
        }
        if (maxNumBatchedTokens < maxNumSeqs) {
            throw new IllegalArgumentException("max_num_batched_tokens (" + maxNumBatchedTokens
                    + ") must be >= max_num_seqs (" + maxNumSeqs + ")");
        }
        if (!(watermark >= 0 && watermark < 1)) {
            throw new IllegalArgumentException("watermark must be in [0, 1), got " + watermark);
        }
    }

    /** vLLM's defaults: 256 sequences, 2048 tokens, 1% watermark. */
    public static VllmOptions defaults() {
        return new VllmOptions(DEFAULT_MAX_NUM_SEQS, DEFAULT_MAX_NUM_BATCHED_TOKENS, DEFAULT_WATERMARK);
    }

    public VllmOptions withMaxNumSeqs(int value) {
        return new VllmOptions(value, maxNumBatchedTokens, watermark);
    }

    public VllmOptions withMaxNumBatchedTokens(int value) {
        return new VllmOptions(maxNumSeqs, value, watermark);
    }
}
