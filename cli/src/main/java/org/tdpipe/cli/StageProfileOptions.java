package org.tdpipe.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.runtime.StageProfiler;

/** What a stage profile measures by default, and the setup it records. */
final class StageProfileOptions {
    /** Longest prompt of the prefill probes. */
    static final int PREFILL_SEQUENCE = 256;
    /** Two contexts separate attention from the LM head. */
    static final int[] DECODE_CONTEXTS = {16, 128};
    static final int REPEATS = 3;

    /** Prefill up to {@code maxTokens} tokens; decode up to {@code maxDecodeSeqs} sequences at {@link #DECODE_CONTEXTS}. */
    static StageProfiler.Grid grid(int maxTokens, int maxDecodeSeqs) {
        return new StageProfiler.Grid(maxTokens, PREFILL_SEQUENCE, maxDecodeSeqs, DECODE_CONTEXTS, REPEATS);
    }

    private StageProfileOptions() {
    }

    /**
     * Profiles what {@code pipeline} opens: its stages (with {@code --tensor-parallel}, stages of that
     * many ranks) or, with {@code tensorParallelGroup}, the one group the policy tp runs.
     */
    static StageProfiler profiler(ModelSource source, PipelineOptions pipeline, boolean tensorParallelGroup) {
        return new StageProfiler((blocks, blockSize) -> pipeline.open(source, blocks, blockSize, tensorParallelGroup),
                source.config().contextLength());
    }

    static Map<String, String> setup(ModelSource source, PipelineOptions pipeline, boolean tensorParallelGroup) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", source.location());
        m.put("pipeline", pipeline.describe(tensorParallelGroup));
        m.put("executor", pipeline.executor.name());
        if (pipeline.executor == PipelineOptions.ExecutorKind.grpc) {
            m.put("workers", String.join(",", pipeline.workers));
        }
        m.put("layer_split", BenchCommand.describe(pipeline.ranges(source)));
        m.put("threads_per_stage", String.valueOf(pipeline.stageThreads()));
        m.put("processors", String.valueOf(Runtime.getRuntime().availableProcessors()));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        return m;
    }
}
