package org.tdpipe.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.LayerRange;
import org.tdpipe.runtime.StageProfiler;

/** What a stage profile measures by default, and the setup it records. */
final class StageProfileOptions {
    /**
     * Prefill up to 512 tokens in prompts of 256; decode up to 64 sequences at contexts 16 and 128
     * (two contexts separate attention from the LM head); 3 timed launches per probe.
     */
    static final StageProfiler.Grid DEFAULT_GRID = new StageProfiler.Grid(512, 256, 64, new int[] {16, 128}, 3);

    private StageProfileOptions() {
    }

    static Map<String, String> setup(ModelSource source, List<LayerRange> ranges, int threadsPerStage) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", source.location());
        m.put("layer_split", BenchCommand.describe(ranges));
        m.put("threads_per_stage", String.valueOf(threadsPerStage));
        m.put("processors", String.valueOf(Runtime.getRuntime().availableProcessors()));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        return m;
    }
}
