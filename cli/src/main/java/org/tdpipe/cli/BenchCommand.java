package org.tdpipe.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.tdpipe.core.engine.RunResult;
import org.tdpipe.core.predict.LengthPredictors;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.core.profile.StageProfile;
import org.tdpipe.core.sched.Policies;
import org.tdpipe.core.sched.vllm.VllmPolicies;
import org.tdpipe.model.ModelSources;
import org.tdpipe.model.format.ModelConfig;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.KvCache;
import org.tdpipe.model.llama.LayerRange;
import org.tdpipe.runtime.ProfileCache;
import org.tdpipe.runtime.ProfileKey;
import org.tdpipe.runtime.Profiler;
import org.tdpipe.runtime.StageProfiler;
import org.tdpipe.sim.workload.WorkloadItem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tdpipe bench}: runs the policies on the real CPU pipeline, interleaved, and compares them. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the scheduling policies on the real model pipeline of this machine and compare their measured throughput.",
            "Requests are sampled from a trace (paper filter), scaled down to --scale-input / --scale-output tokens, all arriving at once",
            "by default; or, with --input-len / --output-len, all have those lengths (vllm bench throughput). Prompts are placeholder",
            "tokens and every request generates exactly its output length (ignore_eos).",
            "With --repeat N the policies run N times interleaved (A, B, C, A, B, C, ...) and the median run counts.",
            "With --validate the simulator predicts every policy on the same inputs from a stage profile, and the errors are reported."})
final class BenchCommand implements Callable<Integer> {
    private static final WorkloadOptions.Defaults WORKLOAD_DEFAULTS = new WorkloadOptions.Defaults(32, 64, 64);
    /** Largest batch run to warm the kernels up when a profile is given. */
    private static final int WARM_UP_TOKENS = 64;
    /** Requests of the untimed run that warms remote workers up before the timed runs. */
    private static final int WARM_UP_REQUESTS = 8;
    /** Timed runs per batch size of a start-up profile. */
    private static final int PROFILE_REPEATS = 3;
    /** Largest decode batch of a start-up stage profile (fewer when the workload has fewer requests). */
    private static final int MAX_DECODE_PROBE = 64;

    @Option(names = "--model", required = true,
            description = "A .gguf file, a llama2.c .bin checkpoint, a Hugging Face folder, or dummy:<name> (e.g. dummy:llama-110m).")
    String model;

    @Mixin
    PipelineOptions pipeline;

    @Mixin
    WorkloadOptions workload;

    @Option(names = "--policies", defaultValue = "td-pipe,pp-vllm,pp-chunked", split = ",",
            description = "Policies to compare, run one after the other (default: ${DEFAULT-VALUE})")
    List<String> policies;

    @Option(names = "--repeat", defaultValue = "1", description = "Runs of every policy, interleaved; tables and charts show each policy's median run (default: ${DEFAULT-VALUE})")
    int repeat;

    @Option(names = "--predictor", defaultValue = "oracle", description = "Output-length predictor: " + LengthPredictors.NAMES + " (default: ${DEFAULT-VALUE})")
    String predictor;

    @Option(names = "--kv-blocks", description = "KV cache blocks (default: enough for every request at once, at most --kv-cache-mib)")
    Integer kvBlocks;

    @Option(names = "--kv-cache-mib", defaultValue = "1024", description = "Upper bound on the default KV cache size (default: ${DEFAULT-VALUE} MiB)")
    double kvCacheMib;

    @Option(names = "--block-size", defaultValue = "16", description = "Tokens per KV block (default: ${DEFAULT-VALUE})")
    int blockSize;

    @Option(names = "--profile", description = "TD-Pipe profile CSV of this machine (default: the cached one for this model and hardware, else measure one now and cache it)")
    Path profile;

    @Option(names = "--profile-max-tokens", defaultValue = "512", description = "Largest batch measured when profiling (default: ${DEFAULT-VALUE})")
    int profileMaxTokens;

    @Option(names = "--validate", description = "Also simulate every policy on the same inputs with the stage profile and report predicted vs measured throughput")
    boolean validate;

    @Option(names = "--stage-profile", description = "Stage profile of this pipeline for --validate (tdpipe profile --stage-table; default: the cached one, else measure one now and cache it)")
    Path stageProfile;

    @Option(names = "--tp-stage-profile", description = {"Stage profile of the tensor-parallel group the policy tp runs, for --validate",
        "(tdpipe profile --tensor-parallel N --stage-table, one stage; default: as for --stage-profile)"})
    Path tpStageProfile;

    @Mixin
    ProfileCacheOptions profileCache;

    @Mixin
    ReportOutputs outputs;

    @Override
    public Integer call() throws IOException {
        if (repeat < 1) {
            throw new IllegalArgumentException("--repeat must be >= 1, got " + repeat);
        }
        if ((stageProfile != null || tpStageProfile != null) && !validate) {
            throw new IllegalArgumentException("--stage-profile and --tp-stage-profile are read only with --validate");
        }
        for (String name : policies) {
            Policies.parse(name);
        }
        boolean runsTp = policies.stream().anyMatch(name -> name.strip().equals(VllmPolicies.TP));
        boolean runsPipeline = policies.stream().anyMatch(name -> !name.strip().equals(VllmPolicies.TP));
        outputs.validate();
        PrintStream out = System.out;
        WorkloadOptions.Workload work = workload.build(WORKLOAD_DEFAULTS);
        List<WorkloadItem> items = work.items();
        try (ModelSource loaded = ModelSources.open(model)) {
            ModelConfig config = loaded.config();
            int longest = items.stream().mapToInt(WorkloadItem::totalTokens).max().orElseThrow();
            if (longest > config.contextLength()) {
                throw new IllegalArgumentException("the longest request has " + longest + " tokens (prompt + output), more than the model's context length "
                        + config.contextLength() + "; lower " + workload.lengthOptions());
            }
            List<LayerRange> ranges = pipeline.ranges(loaded);
            int blocks = kvBlocks != null ? kvBlocks : defaultBlocks(config, items);
            Optional<ProfileCache> cache = profileCache.cache();
            Profile costs = schedulerProfile(loaded, out);
            out.printf(Locale.ROOT, "Benchmarking %s on %d %s stage(s) (layers %s, %d kernel thread(s) each), KV cache %d blocks of %d tokens%n",
                    loaded.location(), ranges.size(), pipeline.executor, describe(ranges), pipeline.stageThreads(), blocks, blockSize);
            if (runsTp) {
                out.printf(Locale.ROOT, "The policy tp runs %s%n", pipeline.describe(true));
            }
            out.printf(Locale.ROOT, "Workload: %s, predictor: %s%n", work.description(), predictor);
            PolicyRunner runner = new PolicyRunner(blocks, blockSize, config.contextLength(), costs, predictor, workload.seed,
                    work.scale());
            if (pipeline.executor == PipelineOptions.ExecutorKind.grpc) {
                // the profile warmed this process's kernels only: give the workers' JIT (and its message
                // paths, before they are profiled) an untimed run of a pipeline and of the tensor-parallel group
                int n = Math.min(items.size(), WARM_UP_REQUESTS);
                for (String name : runsTp && runsPipeline ? List.of(firstPipelinePolicy(), VllmPolicies.TP) : List.of(policies.getFirst().strip())) {
                    runPolicy(loaded, runner, name, items.subList(0, n));
                }
                out.printf(Locale.ROOT, "Warmed up the workers with %d untimed requests%n", n);
            }
            int decodeProbe = Math.min(MAX_DECODE_PROBE, items.size());
            StageProfile stages = validate && runsPipeline ? stageProfile(loaded, false, cache, decodeProbe, out) : null;
            StageProfile tpStages = validate && runsTp ? stageProfile(loaded, true, cache, decodeProbe, out) : null;
            RepeatedRuns runs = new RepeatedRuns();
            for (int r = 1; r <= repeat; r++) {
                for (String name : policies) {
                    MeasuredRun run = runPolicy(loaded, runner, name.strip(), items);
                    if (repeat > 1) {
                        out.printf(Locale.ROOT, "(run %d of %d)%n", r, repeat);
                    }
                    ThroughputReport.printRun(out, run.result());
                    runs.add(name.strip(), run);
                }
            }
            List<RunResult> medians = runs.representatives();
            ThroughputReport report = new ThroughputReport(medians);
            report.printTable(out);
            Map<String, Object> sections = new LinkedHashMap<>();
            if (repeat > 1) {
                runs.printSpread(out);
                sections.put("repeats", runs.json());
            }
            Map<String, Object> setup = setupJson(loaded, work, ranges, blocks, costs);
            if (validate) {
                SimulatorValidation validation = SimulatorValidation.of(runs,
                        policy -> new ProfiledPipeline(policy.equals(VllmPolicies.TP) ? tpStages : stages, runner), items);
                validation.print(out);
                if (stages != null) {
                    setup.put("stage_profile", stageProfile != null ? stageProfile.toString() : "measured at start-up");
                    setup.put("stage_profile_setup", stages.setup());
                }
                if (tpStages != null) {
                    setup.put("tp_stage_profile", tpStageProfile != null ? tpStageProfile.toString() : "measured at start-up");
                    setup.put("tp_stage_profile_setup", tpStages.setup());
                }
                sections.put("validation", validation.json());
            }
            outputs.write(report, medians, setup, sections, out);
        }
        return 0;
    }

    /**
     * The given profile, the cached one or one measured now (and cached); the kernels are warm before
     * the timed runs either way.
     */
    private Profile schedulerProfile(ModelSource source, PrintStream out) {
        if (profile != null) {
            warmUp(source);
            return Profile.read(profile);
        }
        ProfileCache.Entry<Profile> entry = SchedulerProfile.cachedOrMeasured(model, source, pipeline.stageThreads(),
                PROFILE_REPEATS, profileMaxTokens, profileCache, out);
        if (entry.reused()) {
            warmUp(source);
        }
        return entry.profile();
    }

    private void warmUp(ModelSource source) {
        new Profiler(source, pipeline.stageThreads(), 1).measure(WARM_UP_TOKENS);
    }

    private String firstPipelinePolicy() {
        return policies.stream().map(String::strip).filter(name -> !name.equals(VllmPolicies.TP)).findFirst().orElseThrow();
    }

    /**
     * The stage profile of what the policies run on: the pipeline, or with {@code tensorParallelGroup}
     * the one group the policy tp runs: the given file, the cached one or one measured now (and cached).
     */
    private StageProfile stageProfile(ModelSource source, boolean tensorParallelGroup, Optional<ProfileCache> cache, int maxDecodeSeqs,
            PrintStream out) {
        List<LayerRange> ranges = pipeline.ranges(source);
        Path given = tensorParallelGroup ? tpStageProfile : stageProfile;
        int numStages = pipeline.openedStages(tensorParallelGroup);
        String what = pipeline.describe(tensorParallelGroup);
        if (given != null) {
            StageProfile read = StageProfile.read(given);
            if (read.numStages() != numStages) {
                throw new IllegalArgumentException(given + " profiles " + read.numStages() + " stage(s) but " + (tensorParallelGroup
                        ? "the policy tp runs " : "the pipeline is ") + what);
            }
            return read;
        }
        int threads = pipeline.stageThreads();
        StageProfiler.Grid grid = StageProfileOptions.grid(profileMaxTokens, maxDecodeSeqs);
        Supplier<StageProfile> measure = () -> {
            long start = System.nanoTime();
            StageProfile measured = StageProfileOptions.profiler(source, pipeline, tensorParallelGroup)
                    .measure(grid, StageProfileOptions.setup(source, pipeline, tensorParallelGroup));
            out.printf(Locale.ROOT, "Profiled %s in %.1f s%n", what, (System.nanoTime() - start) / 1e9);
            return measured;
        };
        if (cache.isEmpty() || pipeline.executor == PipelineOptions.ExecutorKind.grpc) {
            return measure.get(); // workers' machines and links are no part of a cache key: measured each time
        }
        ProfileKey key = ProfileKey.of(model, source.config(), String.format(Locale.ROOT,
                "stage profile (busy and alone, hand-offs), %s, layers %s, %d thread(s) per stage, prefill to %d tokens in prompts of %d,"
                        + " decode to %d sequences at contexts %s, %d repeats",
                what, describe(ranges), threads, grid.maxPrefillTokens(), grid.prefillSequence(), grid.maxDecodeSeqs(),
                Arrays.toString(grid.decodeContexts()), grid.repeats()));
        ProfileCache.Entry<StageProfile> entry = cache.get().stageProfile(key, profileCache.refresh, measure);
        ProfileCacheOptions.report(entry, "stage", out);
        return entry.profile();
    }

    private MeasuredRun runPolicy(ModelSource source, PolicyRunner runner, String name, List<WorkloadItem> items) {
        try (LoadRecordingExecutor executor = new LoadRecordingExecutor(pipeline.open(source, runner.numBlocks(), blockSize,
                name.equals(VllmPolicies.TP)))) {
            RunResult result = runner.run(executor, name, items);
            return new MeasuredRun(result, executor.loads());
        }
    }

    /** Blocks for every request at once, bounded by {@code --kv-cache-mib} over all layers. */
    private int defaultBlocks(ModelConfig c, List<WorkloadItem> items) {
        long needed = 0;
        for (WorkloadItem i : items) {
            needed += (i.totalTokens() + blockSize - 1) / blockSize;
        }
        int fit = KvCache.blocksForBytes((long) (kvCacheMib * (1 << 20)), c.numLayers(), blockSize, c.numKvHeads() * c.headDim());
        return (int) Math.max(1, Math.min(needed, fit));
    }

    static String describe(List<LayerRange> ranges) {
        return String.join(",", ranges.stream().map(r -> String.valueOf(r.size())).toList());
    }

    private Map<String, Object> setupJson(ModelSource source, WorkloadOptions.Workload work, List<LayerRange> ranges, int blocks,
            Profile costs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("measured", true);
        m.put("model", source.location());
        m.put("executor", pipeline.executor.name());
        m.put("stages", ranges.size());
        m.put("layer_split", describe(ranges));
        m.put("threads_per_stage", pipeline.stageThreads());
        m.put("kv_blocks", blocks);
        m.put("block_size", blockSize);
        m.put("max_model_len", source.config().contextLength());
        m.put("profile", costs.source());
        m.putAll(work.json());
        m.put("predictor", predictor);
        m.put("repeat", repeat);
        return m;
    }
}
