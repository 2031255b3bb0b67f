package org.tdpipe.runtime.grpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.tdpipe.core.timeline.Timeline;
import org.tdpipe.runtime.grpc.proto.StageSpan;

/**
 * Carries each batch's per-stage spans down the pipeline to the controller: the spans of the stages
 * before this one (received with the activations) plus this stage's own, from its timeline.
 */
final class SpanRelay {
    private final Timeline timeline;
    private final Map<Long, List<StageSpan>> upstream = new ConcurrentHashMap<>();

    SpanRelay(Timeline timeline) {
        this.timeline = timeline;
    }

    void received(long batchId, List<StageSpan> spans) {
        upstream.put(batchId, List.copyOf(spans));
    }

    /** The spans of {@code batchId} up to and including this stage (none here when it did not compute). */
    List<StageSpan> through(long batchId) {
        List<StageSpan> out = new ArrayList<>(upstream.getOrDefault(batchId, List.of()));
        upstream.remove(batchId);
        timeline.lastRecorded().filter(s -> s.batchId() == batchId).ifPresent(s -> out.add(StageSpan.newBuilder()
                .setStage(s.stage()).setStartEpochNanos(s.startNanos()).setEndEpochNanos(s.endNanos()).build()));
        return out;
    }
}
