package org.tdpipe.runtime.grpc;

import java.util.Set;
import org.tdpipe.core.request.MinTokens;
import org.tdpipe.model.step.SamplingSettings;
import org.tdpipe.runtime.grpc.proto.Sampling;

/** A sequence's sampling settings on the wire. */
final class SamplingWire {
    private SamplingWire() {
    }

    static Sampling encode(SamplingSettings p) {
        Sampling.Builder b = Sampling.newBuilder().setTemperature(p.temperature()).setTopP(p.topP()).setTopK(p.topK())
                .setMinP(p.minP()).setRepetitionPenalty(p.repetitionPenalty()).setPresencePenalty(p.presencePenalty())
                .setFrequencyPenalty(p.frequencyPenalty()).setLogprobs(p.logprobs()).putAllLogitBias(p.logitBias())
                .setMinTokens(p.minTokens().count()).addAllMinTokensBannedIds(p.minTokens().bannedIds());
        if (p.seed() != null) {
            b.setHasSeed(true).setSeed(p.seed());
        }
        return b.build();
    }

    static SamplingSettings decode(Sampling p) {
        return new SamplingSettings(p.getTemperature(), p.getTopP(), p.getTopK(), p.getMinP(), p.getHasSeed() ? p.getSeed() : null,
                p.getRepetitionPenalty(), p.getPresencePenalty(), p.getFrequencyPenalty(), p.getLogprobs(), p.getLogitBiasMap(),
                new MinTokens(p.getMinTokens(), Set.copyOf(p.getMinTokensBannedIdsList())));
    }
}
