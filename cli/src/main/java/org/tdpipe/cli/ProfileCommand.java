package org.tdpipe.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.core.profile.StageProfile;
import org.tdpipe.model.ModelSources;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.runtime.Profiler;
import org.tdpipe.runtime.StageProfiler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tdpipe profile}: measures this machine's T[n] (TD-Pipe CSV) and, optionally, the per-stage table of the pipeline. */
@Command(name = "profile", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure the full-model forward time T[n] of a batch of n tokens on this machine, with the threads",
            "one pipeline stage gets (--threads-per-stage, default --threads / --stages), and write it in the TD-Pipe",
            "profile format (Total Length,Execute Time) that simulate --profile and bench --profile read.",
            "With --stage-table it also runs the pipeline (--stages threads, or the --executor grpc --workers; with --tensor-parallel",
            "N, stages of N ranks) and measures every stage's time for prefill and decode batches of several sizes and context",
            "lengths, with all stages busy and alone, and the hand-offs between them: the table simulate --stage-profile reads."})
final class ProfileCommand implements Callable<Integer> {
    @Option(names = "--model", required = true,
            description = "A .gguf file, a llama2.c .bin checkpoint, a Hugging Face folder, or dummy:<name> (e.g. dummy:llama-110m).")
    String model;

    @Mixin
    PipelineOptions pipeline;

    @Option(names = "--out", required = true, description = "Profile CSV to write.")
    Path out;

    @Option(names = "--max-tokens", defaultValue = "512", description = "Largest batch measured; the table has rows 1..N (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed runs per measured batch size; the median counts (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--stage-table", description = "Also measure the per-stage table of the pipeline and write it here.")
    Path stageTable;

    @Option(names = "--max-decode-seqs", defaultValue = "64", description = "Largest decode batch of the stage table (default: ${DEFAULT-VALUE}).")
    int maxDecodeSeqs;

    @Option(names = "--decode-contexts", split = ",", defaultValue = "16,128", description = "Context lengths of the stage table's decode batches (default: ${DEFAULT-VALUE}).")
    int[] decodeContexts;

    @Override
    public Integer call() throws IOException {
        if (pipeline.tensorParallel() != 1 && stageTable == null) {
            throw new IllegalArgumentException("profile --tensor-parallel measures the stage table of the split stages: add --stage-table FILE"
                    + " (T[n] is the unsplit model's)");
        }
        try (ModelSource source = ModelSources.open(model)) {
            int threads = pipeline.stageThreads();
            long start = System.nanoTime();
            Profile profile = new Profiler(source, threads, repeats).measure(maxTokens);
            profile.write(out);
            System.out.printf(Locale.ROOT, "Profiled %s with %d thread(s) in %.1f s: T[1] = %.2f ms, T[%d] = %.2f ms%nWrote %s%n",
                    source.location(), threads, (System.nanoTime() - start) / 1e9, profile.forwardMs(1), maxTokens,
                    profile.forwardMs(maxTokens), out);
            if (stageTable != null) {
                StageProfiler.Grid grid = new StageProfiler.Grid(maxTokens, StageProfileOptions.PREFILL_SEQUENCE,
                        maxDecodeSeqs, decodeContexts, repeats);
                start = System.nanoTime();
                StageProfile stages = StageProfileOptions.profiler(source, pipeline, false)
                        .measure(grid, StageProfileOptions.setup(source, pipeline, false));
                stages.write(stageTable);
                System.out.printf(Locale.ROOT, "Profiled %s (layers %s) in %.1f s%nWrote %s%n", pipeline.describe(false),
                        BenchCommand.describe(pipeline.ranges(source)), (System.nanoTime() - start) / 1e9, stageTable);
            }
        }
        return 0;
    }
}
