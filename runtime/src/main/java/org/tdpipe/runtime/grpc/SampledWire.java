package org.tdpipe.runtime.grpc;

import java.util.ArrayList;
import java.util.List;
import org.tdpipe.core.exec.PromptLogprobs;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.exec.TokenLogprob;
import org.tdpipe.runtime.grpc.proto.PromptScores;
import org.tdpipe.runtime.grpc.proto.Sampled;

/**
 * The last stage's output on the wire: each sampled token with its log-probability and top
 * log-probabilities, and the scores of prompt tokens.
 */
final class SampledWire {
    private SampledWire() {
    }

    static Sampled encode(List<SampledToken> sampled) {
        Sampled.Builder b = Sampled.newBuilder();
        sampled.forEach(s -> b.addTokens(token(s)));
        return b.build();
    }

    static List<PromptScores> encodePrompt(List<PromptLogprobs> prompt) {
        List<PromptScores> out = new ArrayList<>(prompt.size());
        for (PromptLogprobs p : prompt) {
            PromptScores.Builder b = PromptScores.newBuilder().setRequestId(p.requestId()).setFirstPosition(p.firstPosition())
                    .addAllRanks(p.ranks());
            p.scores().forEach(s -> b.addScores(token(s)));
            out.add(b.build());
        }
        return out;
    }

    /** The samples of batch {@code batchId}; top tokens without their log-probabilities are an error. */
    static List<SampledToken> decode(long batchId, Sampled sampled) {
        List<SampledToken> out = new ArrayList<>(sampled.getTokensCount());
        for (org.tdpipe.runtime.grpc.proto.SampledToken t : sampled.getTokensList()) {
            out.add(token(batchId, t));
        }
        return out;
    }

    static List<PromptLogprobs> decodePrompt(long batchId, List<PromptScores> prompt) {
        List<PromptLogprobs> out = new ArrayList<>(prompt.size());
        for (PromptScores p : prompt) {
            List<SampledToken> scores = new ArrayList<>(p.getScoresCount());
            p.getScoresList().forEach(t -> scores.add(token(batchId, t)));
            try {
                out.add(new PromptLogprobs(p.getRequestId(), p.getFirstPosition(), scores, p.getRanksList()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("batch " + batchId + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static org.tdpipe.runtime.grpc.proto.SampledToken token(SampledToken s) {
        org.tdpipe.runtime.grpc.proto.SampledToken.Builder t = org.tdpipe.runtime.grpc.proto.SampledToken.newBuilder()
                .setToken(s.token()).setLogprob(s.logprob());
        for (TokenLogprob top : s.topLogprobs()) {
            t.addTopTokens(top.token()).addTopLogprobs(top.logprob());
        }
        return t.build();
    }

    private static SampledToken token(long batchId, org.tdpipe.runtime.grpc.proto.SampledToken t) {
        if (t.getTopTokensCount() != t.getTopLogprobsCount()) {
            throw new IllegalArgumentException("batch " + batchId + ": " + t.getTopTokensCount() + " top tokens but "
                    + t.getTopLogprobsCount() + " top log-probabilities");
        }
        List<TokenLogprob> top = new ArrayList<>(t.getTopTokensCount());
        for (int i = 0; i < t.getTopTokensCount(); i++) {
            top.add(new TokenLogprob(t.getTopTokens(i), t.getTopLogprobs(i)));
        }
        return new SampledToken(t.getToken(), t.getLogprob(), top);
    }
}
