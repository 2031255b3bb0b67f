package org.tdpipe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.profile.HandoffTiming;
import org.tdpipe.core.profile.StageProfile;
import org.tdpipe.core.profile.StageTiming;
import org.tdpipe.model.ModelSources;
import org.tdpipe.model.format.ModelSource;

class StageProfilerTest {
    @Test
    void everyStageIsTimedOnEveryProbeWithItsLoad() {
        try (ModelSource source = ModelSources.open("dummy:llama-260k")) {
            StageProfiler profiler = new StageProfiler((blocks, blockSize) -> LocalExecutor.open(source,
                    LayerPartitioner.explicit(new int[] {3, 2}, 5), new StageResources(blocks, blockSize, 1, 0), BatchDeadline.AUTO),
                    source.config().contextLength());
            StageProfile p = profiler.measure(new StageProfiler.Grid(8, 4, 4, new int[] {4, 8}, 1), Map.of("model", "dummy:llama-260k"));
            assertEquals(2, p.numStages());
            assertEquals("dummy:llama-260k", p.setup().get("model"));
            assertEquals(source.config().contextLength(), p.setupInt(StageProfile.MAX_MODEL_LEN, -1));
            for (int s = 0; s < 2; s++) {
                List<StageTiming> prefill = p.timings(s, Phase.PREFILL);
                assertEquals(List.of(1, 2, 4, 8), prefill.stream().map(StageTiming::tokens).toList());
                // 8 tokens in prompts of at most 4: two prompts, each sampling once
                StageTiming eight = prefill.get(3);
                assertEquals(2, eight.sampled());
                assertEquals(2 * (4 * 5 / 2), eight.attentionPairs());
                List<StageTiming> decode = p.timings(s, Phase.DECODE);
                assertEquals(2 * 3, decode.size());
                StageTiming last = decode.getLast(); // sizes in order, each at every context
                assertEquals(4 * 4, decode.get(decode.size() - 2).attentionPairs());
                assertEquals(4, last.tokens());
                assertEquals(4, last.sampled());
                assertEquals(4 * 8, last.attentionPairs());
                assertTrue(p.timings().stream().allMatch(t -> t.ms() > 0 && t.aloneMs() > 0));
            }
            // every prefill probe's hand-offs: the controller to stage 0, stage 0 to stage 1, stage 1 to the controller
            for (int s = 0; s <= 2; s++) {
                int stage = s;
                assertEquals(List.of(1, 2, 4, 8), p.handoffs().stream().filter(h -> h.toStage() == stage).map(HandoffTiming::tokens).toList());
            }
            assertTrue(p.handoffs().stream().allMatch(h -> h.ms() < 1000), "threads of one process hand over in far less than a second");
        }
    }
}
