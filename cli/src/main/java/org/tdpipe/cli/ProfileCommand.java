package org.tdpipe.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.model.ModelSources;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.runtime.Profiler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tdpipe profile}: measures this machine's T[n] and writes it as a TD-Pipe profile CSV. */
@Command(name = "profile", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure the full-model forward time T[n] of a batch of n tokens on this machine, with the threads",
            "one pipeline stage gets (--threads-per-stage, default --threads / --stages), and write it in the TD-Pipe",
            "profile format (Total Length,Execute Time) that simulate --profile and bench --profile read."})
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

    @Override
    public Integer call() throws IOException {
        try (ModelSource source = ModelSources.open(model)) {
            int threads = pipeline.stageThreads();
            long start = System.nanoTime();
            Profile profile = new Profiler(source, threads, repeats).measure(maxTokens);
            profile.write(out);
            System.out.printf(Locale.ROOT, "Profiled %s with %d thread(s) in %.1f s: T[1] = %.2f ms, T[%d] = %.2f ms%nWrote %s%n",
                    source.location(), threads, (System.nanoTime() - start) / 1e9, profile.forwardMs(1), maxTokens,
                    profile.forwardMs(maxTokens), out);
        }
        return 0;
    }
}
