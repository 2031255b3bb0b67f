package org.tdpipe.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import org.tdpipe.model.ModelSources;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.format.ModelWeights;
import org.tdpipe.runtime.ModelBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tdpipe bench-model}: llama-bench's prompt and generation tests on the CPU model. */
@Command(name = "bench-model", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure the model's prompt processing and text generation speed as llama-bench does, and print its table.",
            "ppN evaluates a prompt of N tokens of one sequence in one forward pass; tgN generates N tokens one at a time",
            "from an empty context. Each test runs once to warm up, then -r times; t/s is the mean and sample standard",
            "deviation of tokens / seconds over the repetitions. The model runs as one stage of the real pipeline."})
final class BenchModelCommand implements Callable<Integer> {
    @Option(names = "--model", required = true,
            description = "A .gguf file, a llama2.c .bin checkpoint, a Hugging Face folder, or dummy:<name> (e.g. dummy:llama-110m).")
    String model;

    @Option(names = {"-p", "--n-prompt"}, split = ",", defaultValue = "512", paramLabel = "N[,N...]",
            description = "Prompt lengths, one ppN test each; 0 runs none (default: ${DEFAULT-VALUE}).")
    int[] prompts;

    @Option(names = {"-n", "--n-gen"}, split = ",", defaultValue = "128", paramLabel = "N[,N...]",
            description = "Generated lengths, one tgN test each; 0 runs none (default: ${DEFAULT-VALUE}).")
    int[] gens;

    @Option(names = {"-t", "--threads"}, description = "Kernel threads (default: all processors).")
    Integer threads;

    @Option(names = {"-r", "--repetitions"}, defaultValue = "5", description = "Timed runs of each test (default: ${DEFAULT-VALUE}).")
    int repetitions;

    @Option(names = "--json", description = "Also write the results as JSON.")
    Path json;

    @Override
    public Integer call() throws IOException {
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (t < 1) {
            throw new IllegalArgumentException("-t/--threads must be >= 1, got " + t);
        }
        if (repetitions < 1) {
            throw new IllegalArgumentException("-r/--repetitions must be >= 1, got " + repetitions);
        }
        List<ModelBench.Test> tests = new ArrayList<>();
        addTests("-p/--n-prompt", prompts, ModelBench.Test::prompt, tests);
        addTests("-n/--n-gen", gens, ModelBench.Test::generation, tests);
        if (tests.isEmpty()) {
            throw new IllegalArgumentException("nothing to measure: -p and -n are both 0");
        }
        PrintStream out = System.out;
        try (ModelSource source = ModelSources.open(model)) {
            tests.forEach(test -> test.requireFits(source));
            ModelBenchReport report = new ModelBenchReport(source.config(), ModelWeights.of(source), t);
            out.println(report.header());
            List<ModelBench.Timing> timings = ModelBench.run(source, t, repetitions, tests, timing -> out.println(report.row(timing)));
            if (json != null) {
                report.writeJson(json, timings);
                out.println("Wrote " + json);
            }
        }
        return 0;
    }

    /** A test of each non-zero length, in the order given. */
    private static void addTests(String option, int[] lengths, IntFunction<ModelBench.Test> test,
            List<ModelBench.Test> tests) {
        for (int n : lengths) {
            if (n < 0) {
                throw new IllegalArgumentException(option + " must be >= 0, got " + n);
            }
            if (n > 0) {
                tests.add(test.apply(n));
            }
        }
    }
}
