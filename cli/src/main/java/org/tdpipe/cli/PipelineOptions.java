package org.tdpipe.cli;

import java.time.Duration;
import java.util.List;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.LayerRange;
import org.tdpipe.runtime.BatchDeadline;
import org.tdpipe.runtime.LayerPartitioner;
import org.tdpipe.runtime.LocalExecutor;
import org.tdpipe.runtime.StageCosts;
import org.tdpipe.runtime.StageResources;
import org.tdpipe.runtime.WorkerFailurePolicy;
import org.tdpipe.runtime.grpc.FaultTimeouts;
import org.tdpipe.runtime.grpc.RemoteExecutor;
import org.tdpipe.runtime.grpc.WorkerAddress;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How the model is executed (a picocli mixin): the {@code local} executor runs {@code --stages P}
 * stage workers as threads of this process (one by default), up to P batches in flight, layers
 * split by estimated cost or by {@code --layer-split}.
 * The {@code grpc} executor runs one stage on each of the {@code --workers} ({@code tdpipe worker}
 * processes), in the order given. Local stages may be split over {@code --tensor-parallel} ranks;
 * the policy {@code tp} runs the stages' threads as one tensor-parallel group instead.
 */
final class PipelineOptions {
    /** What the controller does when its pipeline breaks ({@link WorkerFailurePolicy}). */
    enum OnWorkerFailure {
        shutdown,
        wait
    }

    /** Where the stage workers run. */
    enum ExecutorKind {
        local,
        grpc
    }

    /**
     * Share of fed tokens assumed sampled when balancing layers: a request samples one token per
     * output token out of prompt + output fed, and ShareGPT outputs are about as long as prompts.
     */
    static final double SAMPLED_SHARE = 0.5;
    /** How often {@code --on-worker-failure wait} tries to reconnect. */
    private static final Duration RECONNECT_INTERVAL = Duration.ofSeconds(1);

    @Option(names = "--stages", description = "Pipeline stages the layers are split into (default: 1, or one per --workers worker).")
    Integer stages;

    @Option(names = "--executor", defaultValue = "local",
            description = "Where the stages run: local = one thread per stage of --stages in this process; grpc = one stage per --workers process (default ${DEFAULT-VALUE}).")
    ExecutorKind executor;

    @Option(names = "--workers", split = ",", paramLabel = "HOST:PORT,...",
            description = "The stage workers of --executor grpc (started with 'tdpipe worker --listen HOST:PORT'), in pipeline order.")
    List<String> workers;

    @Mixin
    WorkerSecurityOptions security = new WorkerSecurityOptions();

    @Option(names = "--threads", description = "Kernel threads in all (default: all processors).")
    Integer threads;

    @Option(names = "--threads-per-stage", description = "Kernel threads of each stage (default: --threads / --stages, at least 1).")
    Integer threadsPerStage;

    @Option(names = "--batch-timeout", paramLabel = "SECONDS|auto", defaultValue = "auto",
            description = {"How long a batch may be owed before its stage is declared stuck and the pipeline broken",
                "(as when its worker dies; see --on-worker-failure): auto = 10x the slowest batch so far, at least 60 s (default ${DEFAULT-VALUE})."})
    String batchTimeout;

    @Option(names = "--on-worker-failure", defaultValue = "shutdown",
            description = {"When a gRPC worker dies, hangs or gets stuck: shutdown = the requests it held fail, and so does",
                "every later batch (the run ends); wait = reconnect to the --workers (or --spare-workers) every second while",
                "the requests whose KV cache was lost are recomputed from their tokens, then go on (default ${DEFAULT-VALUE})."})
    OnWorkerFailure onWorkerFailure;

    @Option(names = "--worker-wait-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "With --on-worker-failure wait: shut down when the workers are not all back within this time (default ${DEFAULT-VALUE}).")
    double workerWaitTimeout;

    @Option(names = "--spare-workers", split = ",", paramLabel = "HOST:PORT,...",
            description = "With --on-worker-failure wait: workers that take the place of one that does not answer when reconnecting, tried in order.")
    List<String> spareWorkers;

    @Option(names = "--tensor-parallel", paramLabel = "N", defaultValue = "1",
            description = {"Tensor-parallel ranks of each stage: attention heads and FFN columns split over them, two all-reduces per",
                "layer. Local: threads of this process, each with --threads-per-stage / N kernel threads; grpc: N = the number of",
                "--workers, one rank each, as one stage (default ${DEFAULT-VALUE}). The policy tp makes one group of all the stages' ranks."})
    int tensorParallel;

    @Option(names = "--layer-split", split = ",", paramLabel = "N,N,...",
            description = "Layers of each stage, e.g. 3,2 (default: balanced by estimated cost, LM head included).")
    int[] layerSplit;

    private int totalThreads() {
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** The number of stages, checked (and {@code --tensor-parallel} with it): one per worker with {@code --executor grpc}. */
    int stages() {
        tensorParallel();
        if (executor == ExecutorKind.grpc) {
            int n = workers().size();
            if (stages != null && stages != n) {
                throw new IllegalArgumentException("--stages is " + stages + " but --workers names " + n + " workers");
            }
            return n;
        }
        if (workers != null) {
            throw new IllegalArgumentException("--workers needs --executor grpc");
        }
        int p = stages != null ? stages : 1;
        if (p < 1) {
            throw new IllegalArgumentException("--stages must be >= 1, got " + p);
        }
        return p;
    }

    /** The workers of {@code --executor grpc}, parsed. */
    List<WorkerAddress> workers() {
        if (workers == null || workers.isEmpty()) {
            throw new IllegalArgumentException("--executor grpc needs --workers HOST:PORT,... (one per stage)");
        }
        return workers.stream().map(WorkerAddress::parse).toList();
    }

    /** Kernel threads of each stage (of the only stage when there is one). */
    int stageThreads() {
        return threadsPerStage != null ? threadsPerStage : Math.max(1, totalThreads() / stages());
    }

    /** For commands that run unsplit stages of their own: refuses {@code --tensor-parallel} instead of ignoring it. */
    void requireUnsplit(String command) {
        if (tensorParallel != 1) {
            throw new IllegalArgumentException("tdpipe " + command + " runs unsplit stages: --tensor-parallel is for generate, bench, serve and profile --stage-table");
        }
    }

    /** {@code --tensor-parallel}, checked: with grpc, one rank per worker. */
    int tensorParallel() {
        if (tensorParallel < 1) {
            throw new IllegalArgumentException("--tensor-parallel must be >= 1, got " + tensorParallel);
        }
        if (tensorParallel > 1 && executor == ExecutorKind.grpc && tensorParallel != workers().size()) {
            throw new IllegalArgumentException("--tensor-parallel " + tensorParallel + " with --executor grpc needs " + tensorParallel
                    + " --workers, one rank each, not " + workers().size() + " (tensor and pipeline parallelism across workers at once is not built)");
        }
        return tensorParallel;
    }

    /** Each stage's layers: the explicit split when given (it must name {@code --stages} stages), else balanced. */
    List<LayerRange> ranges(ModelSource model) {
        int layers = model.config().numLayers();
        if (layerSplit == null) {
            return LayerPartitioner.balanced(StageCosts.of(model.config(), SAMPLED_SHARE), stages());
        }
        if (layerSplit.length != stages()) {
            throw new IllegalArgumentException("--layer-split names " + layerSplit.length + " stages but the pipeline has " + stages());
        }
        return LayerPartitioner.explicit(layerSplit, layers);
    }

    /** {@code --batch-timeout}, checked. */
    BatchDeadline batchDeadline() {
        if (batchTimeout.equals("auto")) {
            return BatchDeadline.AUTO;
        }
        try {
            return BatchDeadline.fixed(seconds("--batch-timeout", Double.parseDouble(batchTimeout)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--batch-timeout must be a number of seconds or auto, got '" + batchTimeout + "'", e);
        }
    }

    /** The stages {@link #open} runs: one for a tensor-parallel group (the policy tp, or gRPC workers as ranks), else the pipeline's. */
    int openedStages(boolean oneTensorParallelGroup) {
        return oneTensorParallelGroup || (executor == ExecutorKind.grpc && tensorParallel() > 1) ? 1 : stages();
    }

    /** What {@link #open} runs, for logs: "2 stage(s)", "2 stage(s) of 2 tensor-parallel ranks", "one tensor-parallel stage of 4 ranks". */
    String describe(boolean oneTensorParallelGroup) {
        int ranks = tensorParallel();
        if (openedStages(oneTensorParallelGroup) == 1 && (oneTensorParallelGroup || ranks > 1)) {
            return "one tensor-parallel stage of " + (executor == ExecutorKind.grpc ? workers().size() : stages() * ranks) + " ranks";
        }
        return stages() + " stage(s)" + (ranks > 1 ? " of " + ranks + " tensor-parallel ranks" : "");
    }

    /** {@code --spare-workers}, parsed; they need {@code --on-worker-failure wait}. */
    List<WorkerAddress> spareWorkers() {
        if (spareWorkers == null) {
            return List.of();
        }
        if (onWorkerFailure != OnWorkerFailure.wait) {
            throw new IllegalArgumentException("--spare-workers needs --on-worker-failure wait");
        }
        return spareWorkers.stream().map(WorkerAddress::parse).toList();
    }

    /** {@code --on-worker-failure} and {@code --worker-wait-timeout}, checked. */
    WorkerFailurePolicy workerFailurePolicy() {
        if (onWorkerFailure == OnWorkerFailure.shutdown) {
            return WorkerFailurePolicy.SHUTDOWN;
        }
        if (executor != ExecutorKind.grpc) {
            throw new IllegalArgumentException("--on-worker-failure wait needs --executor grpc: stage threads of this process cannot come back");
        }
        return WorkerFailurePolicy.waitFor(RECONNECT_INTERVAL, seconds("--worker-wait-timeout", workerWaitTimeout));
    }

    private static Duration seconds(String option, double seconds) {
        if (!(seconds > 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException(option + " must be a positive number of seconds, got " + seconds);
        }
        return Duration.ofNanos((long) (seconds * 1e9));
    }

    /**
     * Opens the executor over {@code numBlocks} KV blocks of {@code blockSize} tokens: the pipeline
     * of the stages, or with {@code oneTensorParallelGroup} (the policy {@code tp}) one stage of
     * the whole model split over the stages' ranks.
     */
    PipelineExecutor open(ModelSource model, int numBlocks, int blockSize, boolean oneTensorParallelGroup) {
        int ranks = tensorParallel();
        BatchDeadline deadline = batchDeadline();
        WorkerFailurePolicy onFailure = workerFailurePolicy();
        if (executor == ExecutorKind.grpc) {
            StageResources resources = new StageResources(numBlocks, blockSize, stageThreads(), 0);
            FaultTimeouts timeouts = FaultTimeouts.DEFAULT.withBatchDeadline(deadline);
            if (oneTensorParallelGroup || ranks > 1) {
                return RemoteExecutor.tensorParallel(model, workers(), spareWorkers(), resources, security.forCaller(), timeouts,
                        onFailure);
            }
            return new RemoteExecutor(model, ranges(model), workers(), spareWorkers(), resources, security.forCaller(), timeouts,
                    onFailure);
        }
        if (spareWorkers != null) {
            throw new IllegalArgumentException("--spare-workers needs --executor grpc");
        }
        StageResources resources = new StageResources(numBlocks, blockSize, Math.max(1, stageThreads() / ranks), 0);
        if (oneTensorParallelGroup) {
            int layers = model.config().numLayers();
            return LocalExecutor.open(model, List.of(new LayerRange(0, layers, layers)), resources, stages() * ranks, deadline);
        }
        return LocalExecutor.open(model, ranges(model), resources, ranks, deadline);
    }
}
