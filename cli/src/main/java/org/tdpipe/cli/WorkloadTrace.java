package org.tdpipe.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.tdpipe.sim.workload.SyntheticShareGpt;
import org.tdpipe.sim.workload.Trace;
import org.tdpipe.sim.workload.TraceReader;

/**
 * The trace a benchmark samples from: {@code --workload}, else the ShareGPT trace of the shared
 * data folder, else a synthetic ShareGPT-like trace.
 *
 * @param description what it is, for the report
 */
record WorkloadTrace(Trace trace, String description) {
    static final String SHAREGPT = "traces/sharegpt_8k_filtered_stats_llama2_tokenizer.csv";

    /** {@code workload}: the user's trace, or null for the default; the synthetic fallback has at least {@code minRows} rows. */
    static WorkloadTrace load(Path workload, int minRows, long seed) {
        Path path = workload != null ? workload : SharedData.path(SHAREGPT);
        if (workload != null || Files.isRegularFile(path)) {
            return new WorkloadTrace(TraceReader.read(path), path.toString());
        }
        return new WorkloadTrace(SyntheticShareGpt.generate(Math.max(minRows, 10_000), seed),
                "synthetic ShareGPT-like workload (" + path + " not found; lengths follow ShareGPT's published statistics)");
    }
}
