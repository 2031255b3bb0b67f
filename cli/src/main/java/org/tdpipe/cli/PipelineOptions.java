package org.tdpipe.cli;

import java.util.List;
import java.util.function.Consumer;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.LayerRange;
import org.tdpipe.model.llama.LocalModelExecutor;
import org.tdpipe.model.llama.LocalModelRunner;
import org.tdpipe.model.llama.RunnerOptions;
import org.tdpipe.model.llama.StepOutput;
import org.tdpipe.runtime.LayerPartitioner;
import org.tdpipe.runtime.LocalExecutor;
import org.tdpipe.runtime.StageCosts;
import org.tdpipe.runtime.StageResources;
import picocli.CommandLine.Option;

/**
 * How the model is executed (a picocli mixin): one stage runs on the calling thread, one batch at
 * a time; with {@code --stages P > 1} the {@code local} executor runs P stage workers as threads
 * of this process, up to P batches in flight, layers split by estimated cost or by {@code --layer-split}.
 */
final class PipelineOptions {
    /** Where the stage workers run. */
    enum ExecutorKind {
        local
    }

    /**
     * Share of fed tokens assumed sampled when balancing layers: a request samples one token per
     * output token out of prompt + output fed, and ShareGPT outputs are about as long as prompts.
     */
    static final double SAMPLED_SHARE = 0.5;

    @Option(names = "--stages", defaultValue = "1", description = "Pipeline stages the layers are split into (default ${DEFAULT-VALUE}).")
    int stages;

    @Option(names = "--executor", defaultValue = "local",
            description = "Where the stages of --stages > 1 run: ${COMPLETION-CANDIDATES} = one thread per stage in this process (default ${DEFAULT-VALUE}); a single stage runs on the calling thread.")
    ExecutorKind executor;

    @Option(names = "--threads", description = "Kernel threads in all (default: all processors).")
    Integer threads;

    @Option(names = "--threads-per-stage", description = "Kernel threads of each stage (default: --threads / --stages, at least 1).")
    Integer threadsPerStage;

    @Option(names = "--layer-split", split = ",", paramLabel = "N,N,...",
            description = "Layers of each stage, e.g. 3,2 (default: balanced by estimated cost, LM head included).")
    int[] layerSplit;

    private int totalThreads() {
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** The number of stages, checked. */
    int stages() {
        if (stages < 1) {
            throw new IllegalArgumentException("--stages must be >= 1, got " + stages);
        }
        return stages;
    }

    /** Kernel threads of each stage (of the only stage when there is one). */
    int stageThreads() {
        return threadsPerStage != null ? threadsPerStage : Math.max(1, totalThreads() / stages());
    }

    /** Each stage's layers: the explicit split when given (it must name {@code --stages} stages), else balanced. */
    List<LayerRange> ranges(ModelSource model) {
        int layers = model.config().numLayers();
        if (layerSplit == null) {
            return LayerPartitioner.balanced(StageCosts.of(model.config(), SAMPLED_SHARE), stages());
        }
        if (layerSplit.length != stages()) {
            throw new IllegalArgumentException("--layer-split names " + layerSplit.length + " stages but --stages is " + stages);
        }
        return LayerPartitioner.explicit(layerSplit, layers);
    }

    /** Opens the executor over {@code numBlocks} KV blocks of {@code blockSize} tokens. */
    PipelineExecutor open(ModelSource model, int numBlocks, int blockSize, Consumer<StepOutput> onOutput) {
        List<LayerRange> ranges = ranges(model);
        if (ranges.size() == 1) {
            RunnerOptions options = new RunnerOptions(1, numBlocks, blockSize, stageThreads(), 0);
            return new LocalModelExecutor(new LocalModelRunner(model, options), onOutput);
        }
        return switch (executor) {
            case local -> LocalExecutor.open(model, ranges, new StageResources(numBlocks, blockSize, stageThreads(), 0), onOutput);
        };
    }
}
