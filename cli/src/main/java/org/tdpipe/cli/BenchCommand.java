package org.tdpipe.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tdpipe.core.engine.Engine;
import org.tdpipe.core.engine.EngineListener;
import org.tdpipe.core.engine.RunResult;
import org.tdpipe.core.engine.StopChecker;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.predict.LengthPredictor;
import org.tdpipe.core.predict.LengthPredictors;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.core.sched.Policies;
import org.tdpipe.core.sched.PolicyContext;
import org.tdpipe.model.ModelSources;
import org.tdpipe.model.format.ModelConfig;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.LayerRange;
import org.tdpipe.runtime.Profiler;
import org.tdpipe.sim.workload.ArrivalProcess;
import org.tdpipe.sim.workload.LengthFilter;
import org.tdpipe.sim.workload.WorkloadItem;
import org.tdpipe.sim.workload.WorkloadRequests;
import org.tdpipe.sim.workload.Workloads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tdpipe bench}: runs the policies on the real CPU pipeline, one after the other, and compares them. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the scheduling policies on the real model pipeline of this machine and compare their measured throughput.",
            "Requests are sampled from a trace (paper filter), scaled down to --max-input / --max-output tokens, all arriving at once;",
            "prompts are placeholder tokens and every request generates exactly its output length (ignore_eos)."})
final class BenchCommand implements Callable<Integer> {
    /** Largest batch run to warm the kernels up when a profile is given. */
    private static final int WARM_UP_TOKENS = 64;
    /** Requests of the untimed run that warms remote workers up before the timed runs. */
    private static final int WARM_UP_REQUESTS = 8;

    @Option(names = "--model", required = true,
            description = "A .gguf file, a llama2.c .bin checkpoint, a Hugging Face folder, or dummy:<name> (e.g. dummy:llama-110m).")
    String model;

    @Mixin
    PipelineOptions pipeline;

    @Option(names = "--workload", description = "Trace CSV (ShareGPT stats or Azure format) (default: the ShareGPT trace in the shared data folder, else a synthetic ShareGPT-like workload)")
    Path workload;

    @Option(names = "--num-requests", defaultValue = "32", description = "Requests sampled from the trace (default: ${DEFAULT-VALUE})")
    int numRequests;

    @Option(names = "--seed", defaultValue = "0", description = "Sampling seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--policies", defaultValue = "td-pipe,pp-vllm,pp-chunked", split = ",",
            description = "Policies to compare, run one after the other (default: ${DEFAULT-VALUE})")
    List<String> policies;

    @Option(names = "--max-input", defaultValue = "64", description = "Scale prompts so the longest has this many tokens (default: ${DEFAULT-VALUE})")
    int maxInput;

    @Option(names = "--max-output", defaultValue = "64", description = "Scale outputs so the longest has this many tokens (default: ${DEFAULT-VALUE})")
    int maxOutput;

    @Option(names = "--predictor", defaultValue = "oracle", description = "Output-length predictor: " + LengthPredictors.NAMES + " (default: ${DEFAULT-VALUE})")
    String predictor;

    @Option(names = "--kv-blocks", description = "KV cache blocks (default: enough for every request at once, at most --kv-cache-mib)")
    Integer kvBlocks;

    @Option(names = "--kv-cache-mib", defaultValue = "1024", description = "Upper bound on the default KV cache size (default: ${DEFAULT-VALUE} MiB)")
    double kvCacheMib;

    @Option(names = "--block-size", defaultValue = "16", description = "Tokens per KV block (default: ${DEFAULT-VALUE})")
    int blockSize;

    @Option(names = "--profile", description = "TD-Pipe profile CSV of this machine (default: measure one now)")
    Path profile;

    @Option(names = "--profile-max-tokens", defaultValue = "512", description = "Largest batch measured when profiling (default: ${DEFAULT-VALUE})")
    int profileMaxTokens;

    @Mixin
    ReportOutputs outputs;

    @Override
    public Integer call() throws IOException {
        if (numRequests < 1) {
            throw new IllegalArgumentException("--num-requests must be >= 1, got " + numRequests);
        }
        for (String name : policies) {
            Policies.parse(name);
        }
        outputs.validate();
        PrintStream out = System.out;
        WorkloadTrace workloadTrace = WorkloadTrace.load(workload, numRequests, seed);
        List<WorkloadItem> items = new LengthScaling(maxInput, maxOutput).apply(
                Workloads.build(workloadTrace.trace(), LengthFilter.PAPER, numRequests, seed, new ArrivalProcess.Offline()));
        try (ModelSource loaded = ModelSources.open(model)) {
            ModelConfig config = loaded.config();
            if (maxInput + maxOutput > config.contextLength()) {
                throw new IllegalArgumentException("--max-input + --max-output = " + (maxInput + maxOutput)
                        + " exceeds the model's context length " + config.contextLength());
            }
            List<LayerRange> ranges = pipeline.ranges(loaded);
            int blocks = kvBlocks != null ? kvBlocks : defaultBlocks(config, items);
            Profile costs = schedulerProfile(loaded, out);
            out.printf(Locale.ROOT, "Benchmarking %s on %d %s stage(s) (layers %s, %d kernel thread(s) each), KV cache %d blocks of %d tokens%n",
                    loaded.location(), ranges.size(), pipeline.executor, describe(ranges), pipeline.stageThreads(), blocks, blockSize);
            out.printf(Locale.ROOT, "Workload: %s, %d requests (seed %d, offline), scaled to prompts <= %d and outputs <= %d tokens, predictor: %s%n",
                    workloadTrace.description(), items.size(), seed, maxInput, maxOutput, predictor);
            if (pipeline.executor == PipelineOptions.ExecutorKind.grpc) {
                // the profile warmed this process's kernels only: give the workers' JIT an untimed run too
                runPolicy(loaded, policies.getFirst().strip(), items.subList(0, Math.min(items.size(), WARM_UP_REQUESTS)),
                        blocks, costs);
                out.printf(Locale.ROOT, "Warmed up the workers with %d untimed requests%n", Math.min(items.size(), WARM_UP_REQUESTS));
            }
            List<RunResult> results = new ArrayList<>();
            for (String name : policies) {
                RunResult result = runPolicy(loaded, name.strip(), items, blocks, costs);
                ThroughputReport.printRun(out, result);
                results.add(result);
            }
            ThroughputReport report = new ThroughputReport(results);
            report.printTable(out);
            outputs.write(report, results, setupJson(loaded, workloadTrace, ranges, blocks, costs, items.size()), out);
        }
        return 0;
    }

    /** The given profile, or one measured now; either way the kernels are warm before the timed runs. */
    private Profile schedulerProfile(ModelSource source, PrintStream out) {
        if (profile != null) {
            new Profiler(source, pipeline.stageThreads(), 1).measure(WARM_UP_TOKENS);
            return Profile.read(profile);
        }
        return SchedulerProfile.measure(source, pipeline.stageThreads(), 3, profileMaxTokens, out);
    }

    private RunResult runPolicy(ModelSource source, String name, List<WorkloadItem> items, int blocks, Profile costs) {
        LengthPredictor lengthPredictor = LengthPredictors.byName(predictor, seed);
        int maxModelLen = source.config().contextLength();
        try (PipelineExecutor executor = pipeline.open(source, blocks, blockSize, sampled -> { })) {
            PolicyContext ctx = new PolicyContext(executor.numStages(), blocks, blockSize, maxModelLen, costs, lengthPredictor);
            Engine engine = new Engine(executor, Policies.create(name, ctx), lengthPredictor,
                    new StopChecker(StopChecker.NO_EOS, maxModelLen), EngineListener.NONE);
            return engine.run(WorkloadRequests.toRequests(items, "req"));
        }
    }

    /** Blocks for every request at once, bounded by {@code --kv-cache-mib} over all layers. */
    private int defaultBlocks(ModelConfig c, List<WorkloadItem> items) {
        long needed = 0;
        for (WorkloadItem i : items) {
            needed += (i.totalTokens() + blockSize - 1) / blockSize;
        }
        long perBlock = 2L * c.numLayers() * blockSize * c.numKvHeads() * c.headDim() * Float.BYTES;
        return (int) Math.max(1, Math.min(needed, (long) (kvCacheMib * (1 << 20)) / perBlock));
    }

    private static String describe(List<LayerRange> ranges) {
        return String.join(",", ranges.stream().map(r -> String.valueOf(r.size())).toList());
    }

    private Map<String, Object> setupJson(ModelSource source, WorkloadTrace workloadTrace, List<LayerRange> ranges, int blocks,
            Profile costs, int requests) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("measured", true);
        m.put("model", source.location());
        m.put("executor", pipeline.executor.name());
        m.put("stages", ranges.size());
        m.put("layer_split", describe(ranges));
        m.put("threads_per_stage", pipeline.stageThreads());
        m.put("kv_blocks", blocks);
        m.put("block_size", blockSize);
        m.put("profile", costs.source());
        m.put("workload", workloadTrace.description());
        m.put("num_requests", requests);
        m.put("seed", seed);
        m.put("max_input", maxInput);
        m.put("max_output", maxOutput);
        m.put("arrival", "offline");
        m.put("predictor", predictor);
        return m;
    }
}
