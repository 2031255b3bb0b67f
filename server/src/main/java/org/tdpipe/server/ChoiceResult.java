package org.tdpipe.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tdpipe.core.exec.SampledToken;

/** One choice of a non-streamed response, gathered from its events. */
final class ChoiceResult {
    final StringBuilder text = new StringBuilder();
    final List<SampledToken> logprobs = new ArrayList<>();
    Optional<ChoiceEvent.EchoedPrompt> echoed = Optional.empty();
    ChoiceEvent.Done done;

    void add(ChoiceEvent.Delta delta) {
        text.append(delta.text());
        logprobs.addAll(delta.logprobs());
        if (delta.echoed().isPresent()) {
            echoed = delta.echoed();
        }
    }
}
