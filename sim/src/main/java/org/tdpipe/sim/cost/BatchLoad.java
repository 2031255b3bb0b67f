package org.tdpipe.sim.cost;

import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;

/**
 * The work in one batch, summed once over its sequences so that every stage's cost is O(1):
 * Vidur's split into token-level operators (they see {@link #numTokens}) and sequence-level ones
 * (attention sees the context).
 *
 * @param numTokens new tokens fed (prompt tokens of prefills, one per decode)
 * @param numSampled sequences that sample a token (rows of the LM head)
 * @param attentionPairs (query, key) pairs attention computes: a sequence feeding tokens
 *     {@code [s, s+n)} contributes {@code n·s + n(n+1)/2} (causal)
 * @param kvTokensRead context tokens whose K and V attention reads: Σ context length
 */
public record BatchLoad(int numTokens, int numSampled, long attentionPairs, long kvTokensRead) {
    public BatchLoad {
        if (numTokens < 1 || numSampled < 0 || attentionPairs < numTokens || kvTokensRead < numTokens) {
            throw new IllegalArgumentException("inconsistent batch load: " + numTokens + " tokens, " + numSampled
                    + " sampled, " + attentionPairs + " attention pairs, " + kvTokensRead + " KV tokens read");
        }
    }

    public static BatchLoad of(StepBatch batch) {
        int tokens = 0;
        int sampled = 0;
        long pairs = 0;
        long kv = 0;
        for (ScheduledSeq seq : batch.seqs()) {
            long n = seq.numTokens();
            tokens += seq.numTokens();
            sampled += seq.samples() ? 1 : 0;
            pairs += n * seq.start() + n * (n + 1) / 2;
            kv += seq.contextLength();
        }
        return new BatchLoad(tokens, sampled, pairs, kv);
    }

    /** A single prompt of {@code tokens} tokens from an empty cache, sampling its first token. */
    public static BatchLoad prefill(int tokens) {
        long n = tokens;
        return new BatchLoad(tokens, 1, n * (n + 1) / 2, n);
    }
}
