package org.tdpipe.runtime.grpc;

import java.util.List;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.runtime.grpc.proto.Sampling;

/** A request's sampling parameters on the wire; stop conditions stay with the controller. */
final class SamplingWire {
    private SamplingWire() {
    }

    static Sampling encode(SamplingParams p) {
        Sampling.Builder b = Sampling.newBuilder().setMaxTokens(p.maxTokens()).setTemperature(p.temperature())
                .setTopP(p.topP()).setTopK(p.topK()).setMinP(p.minP()).setRepetitionPenalty(p.repetitionPenalty())
                .setPresencePenalty(p.presencePenalty()).setFrequencyPenalty(p.frequencyPenalty()).setLogprobs(p.logprobs());
        if (p.seed() != null) {
            b.setHasSeed(true).setSeed(p.seed());
        }
        return b.build();
    }

    static SamplingParams decode(Sampling p) {
        return new SamplingParams(p.getMaxTokens(), p.getTemperature(), p.getTopP(), p.getTopK(), p.getMinP(),
                p.getHasSeed() ? p.getSeed() : null, p.getRepetitionPenalty(), p.getPresencePenalty(),
                p.getFrequencyPenalty(), false, List.of(), List.of(), p.getLogprobs());
    }
}
