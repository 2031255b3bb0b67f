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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.tdpipe.core.engine.RunResult;
import org.tdpipe.core.predict.LengthPredictors;
import org.tdpipe.core.predict.LengthScale;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.core.profile.StageProfile;
import org.tdpipe.core.sched.Policies;
import org.tdpipe.sim.ClusterSpec;
import org.tdpipe.sim.CostMode;
import org.tdpipe.sim.KvCapacity;
import org.tdpipe.sim.SimulatedCluster;
import org.tdpipe.sim.SimulatedDeployment;
import org.tdpipe.sim.hw.AllReduceCost;
import org.tdpipe.sim.hw.GpuCatalog;
import org.tdpipe.sim.model.ModelCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tdpipe simulate}: runs the policies on a simulated PCIe GPU cluster (or a profiled CPU pipeline) and compares them. */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Simulate the scheduling policies on a PCIe multi-GPU node and compare their throughput.",
            "Defaults: L20 x 4, Llama-2-13B (roofline cost), ShareGPT 5,000 requests (paper filter), offline arrivals.",
            "With --stage-profile it simulates the real pipeline that profile was measured on (tdpipe profile --stage-table)."})
public final class SimulateCommand implements Callable<Integer> {
    private static final WorkloadOptions.Defaults WORKLOAD_DEFAULTS = new WorkloadOptions.Defaults(5000, null, null);
    private static final int GPU_MAX_MODEL_LEN = 4096;

    @Option(names = "--gpu", defaultValue = "l20", description = "GPU type: ${COMPLETION-CANDIDATES:-l20, a100-pcie-80gb, l40s, rtx4090, h100-pcie, h100-sxm} (default: ${DEFAULT-VALUE})")
    String gpu;

    @Option(names = "--gpus", defaultValue = "4", description = "Number of GPUs = pipeline stages (default: ${DEFAULT-VALUE})")
    int gpus;

    @Option(names = "--model", defaultValue = "llama-2-13b", description = "Model shape (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--profile", description = "TD-Pipe profile CSV (Total Length,Execute Time): the schedulers' cost table, and the ground truth in profile cost mode")
    Path profile;

    @Option(names = "--cost", description = "Ground-truth cost model: profile (T[n]/P, the authors' model) or roofline (default: profile when --profile is given, else roofline)")
    String cost;

    @Option(names = "--stage-profile", description = "Per-stage profile of a real pipeline (tdpipe profile --stage-table): simulate that pipeline instead of GPUs; "
            + "stage times (busy and alone: the stages share the cores) and hand-offs from it, P from it; a one-stage profile of a "
            + "tensor-parallel group also runs the policy tp; needs --profile (the schedulers' T[n]) and --kv-blocks")
    Path stageProfile;

    @Mixin
    WorkloadOptions workload;

    @Option(names = "--policies", defaultValue = "td-pipe,td-pipe-adaptive,pp-vllm,pp-chunked,tp", split = ",",
            description = "Policies to compare (default: ${DEFAULT-VALUE}); ablations: td-pipe/no-greedy, td-pipe/no-stealing, td-pipe/memory-only, td-pipe/dist-memory, td-pipe/no-predictor, td-pipe-adaptive/no-lookahead")
    List<String> policies;

    @Option(names = "--predictor", defaultValue = "oracle", description = "Output-length predictor: " + LengthPredictors.NAMES + " (default: ${DEFAULT-VALUE})")
    String predictor;

    @Option(names = "--kv-blocks", description = "Override the KV cache size in blocks (default: from GPU memory)")
    Integer kvBlocks;

    @Option(names = "--block-size", defaultValue = "16", description = "Tokens per KV block (default: ${DEFAULT-VALUE})")
    int blockSize;

    @Option(names = "--gpu-memory-utilization", defaultValue = "0.9", description = "Fraction of GPU memory for weights + KV (default: ${DEFAULT-VALUE})")
    double gpuMemoryUtilization;

    @Option(names = "--max-model-len", description = "Longest sequence the model accepts (default: 4096, or the profiled model's with --stage-profile)")
    Integer maxModelLen;

    @Option(names = "--allreduce-busbw", description = "TP all-reduce bus bandwidth in GB/s (default: 23.7, NCCL ring over PCIe 4.0)")
    Double allReduceBusBw;

    @Option(names = "--allreduce-latency-us", description = "TP all-reduce latency per call in us (default: 73)")
    Double allReduceLatencyUs;

    @Mixin
    ReportOutputs outputs;

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        long wallStart = System.nanoTime();
        outputs.validate();
        for (String name : policies) {
            Policies.parse(name);
        }
        WorkloadOptions.Workload work = workload.build(WORKLOAD_DEFAULTS);
        Target target = stageProfile != null ? profiledPipeline(work.scale()) : gpuCluster();
        out.println(target.describe());
        out.println("Workload: " + work.description() + ", predictor: " + predictor);

        // Runs are independent (own executor, virtual clock, policy and requests): use the cores.
        List<RunResult> results = new ArrayList<>();
        int threads = Math.min(policies.size(), Runtime.getRuntime().availableProcessors());
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<RunResult>> runs = new ArrayList<>();
            for (String name : policies) {
                runs.add(pool.submit(() -> target.run(name.strip(), work)));
            }
            for (Future<RunResult> run : runs) {
                RunResult result = await(run);
                ThroughputReport.printRun(out, result);
                results.add(result);
            }
        }
        ThroughputReport report = new ThroughputReport(results);
        report.printTable(out);
        double wallSeconds = (System.nanoTime() - wallStart) / 1e9;
        out.printf(Locale.ROOT, "%nSimulated %d policies x %d requests in %.2f s wall.%n", results.size(),
                work.items().size(), wallSeconds);
        Map<String, Object> setup = target.json();
        setup.putAll(work.json());
        setup.put("predictor", predictor);
        outputs.write(report, results, setup, out);
        return 0;
    }

    private static RunResult await(Future<RunResult> run) {
        try {
            return run.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** What the policies run on: fixed before they run, identical for each of them. */
    private interface Target {
        RunResult run(String policy, WorkloadOptions.Workload work);

        String describe();

        Map<String, Object> json();
    }

    private Target profiledPipeline(LengthScale lengthScale) {
        if (profile == null) {
            throw new IllegalArgumentException("--stage-profile needs --profile: the T[n] table the policies plan with");
        }
        if (kvBlocks == null) {
            throw new IllegalArgumentException("--stage-profile needs --kv-blocks: the KV cache of the profiled pipeline");
        }
        StageProfile stages = StageProfile.read(stageProfile);
        if (stages.numStages() != 1 && policies.stream().anyMatch(p -> p.strip().equals("tp"))) {
            throw new IllegalArgumentException("policy tp runs on the stage profile of one tensor-parallel group (tdpipe profile --tensor-parallel N"
                    + " --stage-table); " + stageProfile + " profiles a pipeline of " + stages.numStages() + " stages");
        }
        Profile belief = Profile.read(profile);
        int len = maxModelLen != null ? maxModelLen : stages.setupInt(StageProfile.MAX_MODEL_LEN, GPU_MAX_MODEL_LEN);
        ProfiledPipeline pipeline = new ProfiledPipeline(stages, new PolicyRunner(kvBlocks, blockSize, len, belief, predictor, workload.seed,
                lengthScale));
        return new Target() {
            @Override
            public RunResult run(String policy, WorkloadOptions.Workload work) {
                return pipeline.simulate(policy, work.items());
            }

            @Override
            public String describe() {
                return String.format(Locale.ROOT, "Simulating the profiled pipeline %s (%d stages, %s), scheduler profile %s%nKV cache: %d blocks of %d tokens (--kv-blocks)",
                        stageProfile, stages.numStages(), stages.setup().getOrDefault("model", "model unknown"), belief.source(),
                        kvBlocks, blockSize);
            }

            @Override
            public Map<String, Object> json() {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("stage_profile", stageProfile.toString());
                m.put("stage_profile_setup", stages.setup());
                m.put("stages", stages.numStages());
                m.put("cost_mode", "stage-profile");
                m.put("profile", belief.source());
                m.put("kv_blocks", kvBlocks);
                m.put("block_size", blockSize);
                m.put("max_model_len", len);
                return m;
            }
        };
    }

    private Target gpuCluster() {
        if (gpus < 1) {
            throw new IllegalArgumentException("--gpus must be >= 1, got " + gpus);
        }
        ClusterSpec base = ClusterSpec.pcie(GpuCatalog.standard().get(gpu), gpus, ModelCatalog.standard().get(model));
        ClusterSpec spec = base.withKvCache(base.kvCache().withGpuMemoryUtilization(gpuMemoryUtilization).withBlockSize(blockSize));
        if (allReduceBusBw != null || allReduceLatencyUs != null) {
            AllReduceCost c = spec.collectives();
            spec = spec.withCollectives(new AllReduceCost(allReduceLatencyUs != null ? allReduceLatencyUs : c.alphaMicros(),
                    allReduceBusBw != null ? allReduceBusBw : c.busBandwidthGBps()));
        }
        Profile measured = profile == null ? null : Profile.read(profile);
        CostMode mode = cost != null ? CostMode.byName(cost) : measured != null ? CostMode.PROFILE : CostMode.ROOFLINE;
        SimulatedCluster cluster = new SimulatedCluster(spec);
        int len = maxModelLen != null ? maxModelLen : GPU_MAX_MODEL_LEN;
        return new Target() {
            @Override
            public RunResult run(String policy, WorkloadOptions.Workload work) {
                SimulatedDeployment deployment = policy.equals("tp")
                        ? cluster.tensorParallel(mode, measured)
                        : cluster.pipeline(mode, measured);
                int blocks = kvBlocks != null ? kvBlocks : deployment.kvCapacity().numBlocks();
                return new PolicyRunner(blocks, blockSize, len, deployment.schedulerProfile(), predictor, workload.seed,
                        work.scale())
                        .run(deployment.executor(), policy, work.items());
            }

            @Override
            public String describe() {
                ClusterSpec s = cluster.spec();
                return String.format(Locale.ROOT, "Simulating %s x %d (PCIe), %s, cost model: %s%s%nKV cache: %s",
                        s.gpu().name(), s.numGpus(), s.model().name(), mode.label(),
                        measured != null ? " (scheduler profile " + measured.source() + ")" : "", kvDescription());
            }

            private String kvDescription() {
                if (kvBlocks != null) {
                    return kvBlocks + " blocks of " + blockSize + " tokens (--kv-blocks)";
                }
                KvCapacity kv = cluster.pipeline(mode, measured).kvCapacity();
                return String.format(Locale.ROOT, "%d blocks of %d tokens = %d tokens (from GPU memory; pipeline deployment)",
                        kv.numBlocks(), kv.blockSize(), kv.tokenCapacity());
            }

            @Override
            public Map<String, Object> json() {
                ClusterSpec s = cluster.spec();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("gpu", s.gpu().name());
                m.put("gpus", s.numGpus());
                m.put("model", s.model().name());
                m.put("cost_mode", mode.label());
                m.put("profile", measured != null ? measured.source() : null);
                m.put("allreduce_busbw_gbps", s.collectives().busBandwidthGBps());
                m.put("allreduce_latency_us", s.collectives().alphaMicros());
                return m;
            }
        };
    }
}
