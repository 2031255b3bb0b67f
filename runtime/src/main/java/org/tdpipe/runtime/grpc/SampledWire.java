package org.tdpipe.runtime.grpc;

import java.util.ArrayList;
import java.util.List;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.exec.TokenLogprob;
import org.tdpipe.runtime.grpc.proto.Sampled;

/** The last stage's samples on the wire: token, log-probability and top log-probabilities. */
final class SampledWire {
    private SampledWire() {
    }

    static Sampled encode(List<SampledToken> sampled) {
        Sampled.Builder b = Sampled.newBuilder();
        for (SampledToken s : sampled) {
            org.tdpipe.runtime.grpc.proto.SampledToken.Builder t = org.tdpipe.runtime.grpc.proto.SampledToken.newBuilder()
                    .setToken(s.token()).setLogprob(s.logprob());
            for (TokenLogprob top : s.topLogprobs()) {
                t.addTopTokens(top.token()).addTopLogprobs(top.logprob());
            }
            b.addTokens(t);
        }
        return b.build();
    }

    /** The samples of batch {@code batchId}; top tokens without their log-probabilities are an error. */
    static List<SampledToken> decode(long batchId, Sampled sampled) {
        List<SampledToken> out = new ArrayList<>(sampled.getTokensCount());
        for (org.tdpipe.runtime.grpc.proto.SampledToken t : sampled.getTokensList()) {
            if (t.getTopTokensCount() != t.getTopLogprobsCount()) {
                throw new IllegalArgumentException("batch " + batchId + ": " + t.getTopTokensCount() + " top tokens but "
                        + t.getTopLogprobsCount() + " top log-probabilities");
            }
            List<TokenLogprob> top = new ArrayList<>(t.getTopTokensCount());
            for (int i = 0; i < t.getTopTokensCount(); i++) {
                top.add(new TokenLogprob(t.getTopTokens(i), t.getTopLogprobs(i)));
            }
            out.add(new SampledToken(t.getToken(), t.getLogprob(), top));
        }
        return out;
    }
}
