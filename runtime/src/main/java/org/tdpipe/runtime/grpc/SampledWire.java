package org.tdpipe.runtime.grpc;

import java.util.ArrayList;
import java.util.List;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.model.llama.StepOutput;
import org.tdpipe.model.sampling.SampledToken;
import org.tdpipe.model.sampling.TokenLogprob;
import org.tdpipe.runtime.grpc.proto.Sampled;

/** The last stage's samples on the wire: token, log-probability and top log-probabilities. */
final class SampledWire {
    private SampledWire() {
    }

    static Sampled encode(StepOutput out) {
        Sampled.Builder b = Sampled.newBuilder();
        for (SampledToken s : out.sampled()) {
            org.tdpipe.runtime.grpc.proto.SampledToken.Builder t = org.tdpipe.runtime.grpc.proto.SampledToken.newBuilder()
                    .setToken(s.token()).setLogprob(s.logprob());
            for (TokenLogprob top : s.topLogprobs()) {
                t.addTopTokens(top.token()).addTopLogprobs(top.logprob());
            }
            b.addTokens(t);
        }
        return b.build();
    }

    /** The output of {@code batch} (the controller's own, with its requests); a count mismatch is an error. */
    static StepOutput decode(StepBatch batch, Sampled sampled) {
        List<SampledToken> out = new ArrayList<>(sampled.getTokensCount());
        for (org.tdpipe.runtime.grpc.proto.SampledToken t : sampled.getTokensList()) {
            if (t.getTopTokensCount() != t.getTopLogprobsCount()) {
                throw new IllegalArgumentException("batch " + batch.id() + ": " + t.getTopTokensCount() + " top tokens but "
                        + t.getTopLogprobsCount() + " top log-probabilities");
            }
            List<TokenLogprob> top = new ArrayList<>(t.getTopTokensCount());
            for (int i = 0; i < t.getTopTokensCount(); i++) {
                top.add(new TokenLogprob(t.getTopTokens(i), t.getTopLogprobs(i)));
            }
            out.add(new SampledToken(t.getToken(), t.getLogprob(), top));
        }
        return new StepOutput(batch, out);
    }
}
