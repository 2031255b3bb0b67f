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
import org.tdpipe.core.engine.Engine;
import org.tdpipe.core.engine.EngineListener;
import org.tdpipe.core.engine.RunResult;
import org.tdpipe.core.engine.StopChecker;
import org.tdpipe.core.predict.LengthPredictor;
import org.tdpipe.core.predict.LengthPredictors;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.core.sched.Policies;
import org.tdpipe.core.sched.PolicyContext;
import org.tdpipe.sim.ClusterSpec;
import org.tdpipe.sim.KvCapacity;
import org.tdpipe.sim.CostMode;
import org.tdpipe.sim.SimulatedCluster;
import org.tdpipe.sim.SimulatedDeployment;
import org.tdpipe.sim.hw.AllReduceCost;
import org.tdpipe.sim.hw.GpuCatalog;
import org.tdpipe.sim.model.ModelCatalog;
import org.tdpipe.sim.workload.ArrivalProcess;
import org.tdpipe.sim.workload.LengthFilter;
import org.tdpipe.sim.workload.WorkloadItem;
import org.tdpipe.sim.workload.WorkloadRequests;
import org.tdpipe.sim.workload.Workloads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tdpipe simulate}: runs the policies on a simulated PCIe GPU cluster and compares them. */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Simulate the scheduling policies on a PCIe multi-GPU node and compare their throughput.",
            "Defaults: L20 x 4, Llama-2-13B (roofline cost), ShareGPT 5,000 requests (paper filter), offline arrivals."})
public final class SimulateCommand implements Callable<Integer> {
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

    @Option(names = "--workload", description = "Trace CSV (ShareGPT stats or Azure format) (default: the ShareGPT trace in the shared data folder, else a synthetic ShareGPT-like workload)")
    Path workload;

    @Option(names = "--num-requests", defaultValue = "5000", description = "Requests sampled from the trace (default: ${DEFAULT-VALUE})")
    int numRequests;

    @Option(names = "--seed", defaultValue = "0", description = "Sampling / noise seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--policies", defaultValue = "td-pipe,td-pipe-adaptive,pp-vllm,pp-chunked,tp", split = ",",
            description = "Policies to compare (default: ${DEFAULT-VALUE}); ablations: td-pipe/no-greedy, td-pipe/no-stealing, td-pipe/memory-only, td-pipe/dist-memory, td-pipe/no-predictor, td-pipe-adaptive/no-lookahead")
    List<String> policies;

    @Option(names = "--predictor", defaultValue = "oracle", description = "Output-length predictor: " + LengthPredictors.NAMES + " (default: ${DEFAULT-VALUE})")
    String predictor;

    @Option(names = "--arrival", defaultValue = "offline", description = "offline (all at t=0), trace (trace timestamps) or poisson:RATE (requests/s) (default: ${DEFAULT-VALUE})")
    String arrival;

    @Option(names = "--kv-blocks", description = "Override the KV cache size in blocks (default: from GPU memory)")
    Integer kvBlocks;

    @Option(names = "--block-size", defaultValue = "16", description = "Tokens per KV block (default: ${DEFAULT-VALUE})")
    int blockSize;

    @Option(names = "--gpu-memory-utilization", defaultValue = "0.9", description = "Fraction of GPU memory for weights + KV (default: ${DEFAULT-VALUE})")
    double gpuMemoryUtilization;

    @Option(names = "--max-model-len", defaultValue = "4096", description = "Longest sequence the model accepts (default: ${DEFAULT-VALUE})")
    int maxModelLen;

    @Option(names = "--min-input", defaultValue = "4", description = "Filter: shortest prompt (default: ${DEFAULT-VALUE})")
    int minInput;

    @Option(names = "--max-input", defaultValue = "1024", description = "Filter: longest prompt (default: ${DEFAULT-VALUE})")
    int maxInput;

    @Option(names = "--min-output", defaultValue = "4", description = "Filter: shortest output (default: ${DEFAULT-VALUE})")
    int minOutput;

    @Option(names = "--max-total", defaultValue = "2048", description = "Filter: longest prompt + output (default: ${DEFAULT-VALUE})")
    int maxTotal;

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
        SimulationSetup setup = setup();
        out.println(setup.describe());

        // Runs are independent (own executor, virtual clock, policy and requests): use the cores.
        List<RunResult> results = new ArrayList<>();
        int threads = Math.min(policies.size(), Runtime.getRuntime().availableProcessors());
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<RunResult>> runs = new ArrayList<>();
            for (String name : policies) {
                runs.add(pool.submit(() -> runPolicy(setup, name.strip())));
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
                setup.items().size(), wallSeconds);
        outputs.write(report, results, setup.asJson(), out);
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

    private RunResult runPolicy(SimulationSetup setup, String name) {
        boolean tensorParallel = name.equals("tp");
        SimulatedDeployment deployment = tensorParallel
                ? setup.cluster().tensorParallel(setup.costMode(), setup.profile())
                : setup.cluster().pipeline(setup.costMode(), setup.profile());
        int blocks = kvBlocks != null ? kvBlocks : deployment.kvCapacity().numBlocks();
        LengthPredictor lengthPredictor = LengthPredictors.byName(predictor, seed);
        PolicyContext ctx = new PolicyContext(deployment.numStages(), blocks, blockSize, maxModelLen,
                deployment.schedulerProfile(), lengthPredictor);
        Engine engine = new Engine(deployment.executor(), Policies.create(name, ctx), lengthPredictor,
                new StopChecker(StopChecker.NO_EOS, maxModelLen), EngineListener.NONE);
        return engine.run(WorkloadRequests.toRequests(setup.items(), "req"));
    }

    private SimulationSetup setup() {
        if (gpus < 1) {
            throw new IllegalArgumentException("--gpus must be >= 1, got " + gpus);
        }
        if (numRequests < 1) {
            throw new IllegalArgumentException("--num-requests must be >= 1, got " + numRequests);
        }
        for (String name : policies) {
            Policies.parse(name);
        }
        ClusterSpec spec = ClusterSpec.pcie(GpuCatalog.standard().get(gpu), gpus, ModelCatalog.standard().get(model));
        spec = spec.withKvCache(spec.kvCache().withGpuMemoryUtilization(gpuMemoryUtilization).withBlockSize(blockSize));
        if (allReduceBusBw != null || allReduceLatencyUs != null) {
            AllReduceCost c = spec.collectives();
            spec = spec.withCollectives(new AllReduceCost(allReduceLatencyUs != null ? allReduceLatencyUs : c.alphaMicros(),
                    allReduceBusBw != null ? allReduceBusBw : c.busBandwidthGBps()));
        }
        Profile measured = profile == null ? null : Profile.read(profile);
        CostMode mode = cost != null ? CostMode.byName(cost) : measured != null ? CostMode.PROFILE : CostMode.ROOFLINE;

        WorkloadTrace source = WorkloadTrace.load(workload, numRequests, seed);
        List<WorkloadItem> items = Workloads.build(source.trace(), new LengthFilter(minInput, maxInput, minOutput, maxTotal),
                numRequests, seed, arrivalProcess());
        return new SimulationSetup(new SimulatedCluster(spec), mode, measured, items, source.description(), this);
    }

    private ArrivalProcess arrivalProcess() {
        String a = arrival.strip();
        if (a.equals("offline")) {
            return new ArrivalProcess.Offline();
        }
        if (a.equals("trace")) {
            return new ArrivalProcess.TraceTimestamps();
        }
        if (a.startsWith("poisson:")) {
            try {
                return new ArrivalProcess.Poisson(Double.parseDouble(a.substring("poisson:".length())), seed);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--arrival " + a + ": the rate is not a number");
            }
        }
        throw new IllegalArgumentException("--arrival must be offline, trace or poisson:RATE, got '" + arrival + "'");
    }

    /** Everything fixed before the policies run: identical for each of them. */
    private record SimulationSetup(SimulatedCluster cluster, CostMode costMode, Profile profile,
            List<WorkloadItem> items, String workloadName, SimulateCommand options) {

        String describe() {
            ClusterSpec s = cluster.spec();
            return String.format(Locale.ROOT,
                    "Simulating %s x %d (PCIe), %s, cost model: %s%s%nKV cache: %s%nWorkload: %s, %d requests (seed %d, %s arrivals), predictor: %s",
                    s.gpu().name(), s.numGpus(), s.model().name(), costMode.label(),
                    profile != null ? " (scheduler profile " + profile.source() + ")" : "",
                    kvDescription(),
                    workloadName, items.size(), options.seed, options.arrival, options.predictor);
        }

        private String kvDescription() {
            if (options.kvBlocks != null) {
                return options.kvBlocks + " blocks of " + options.blockSize + " tokens (--kv-blocks)";
            }
            KvCapacity kv = cluster.pipeline(costMode, profile).kvCapacity();
            return String.format(Locale.ROOT, "%d blocks of %d tokens = %d tokens (from GPU memory; pipeline deployment)",
                    kv.numBlocks(), kv.blockSize(), kv.tokenCapacity());
        }

        Map<String, Object> asJson() {
            ClusterSpec s = cluster.spec();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("gpu", s.gpu().name());
            m.put("gpus", s.numGpus());
            m.put("model", s.model().name());
            m.put("cost_mode", costMode.label());
            m.put("profile", profile != null ? profile.source() : null);
            m.put("workload", workloadName);
            m.put("num_requests", items.size());
            m.put("seed", options.seed);
            m.put("arrival", options.arrival);
            m.put("predictor", options.predictor);
            m.put("allreduce_busbw_gbps", s.collectives().busBandwidthGBps());
            m.put("allreduce_latency_us", s.collectives().alphaMicros());
            return m;
        }
    }
}
