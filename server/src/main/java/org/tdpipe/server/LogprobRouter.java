package org.tdpipe.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.model.llama.StepOutput;
import org.tdpipe.model.sampling.SampledToken;

/**
 * Hands each executed batch's samples (with log-probabilities) to the trackers of the choices that
 * asked for them. The executor calls it on the engine thread before the engine appends the tokens.
 */
final class LogprobRouter implements Consumer<StepOutput> {
    private final Map<Long, ChoiceTracker> trackers = new ConcurrentHashMap<>();

    void register(long requestId, ChoiceTracker tracker) {
        trackers.put(requestId, tracker);
    }

    void unregister(long requestId) {
        trackers.remove(requestId);
    }

    @Override
    public void accept(StepOutput output) {
        if (trackers.isEmpty()) {
            return;
        }
        int next = 0;
        for (ScheduledSeq seq : output.batch().seqs()) {
            if (!seq.samples()) {
                continue;
            }
            SampledToken sampled = output.sampled().get(next++);
            ChoiceTracker tracker = trackers.get(seq.request().id());
            if (tracker != null) {
                tracker.sampled(sampled);
            }
        }
    }
}
