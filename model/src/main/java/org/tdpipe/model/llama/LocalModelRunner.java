package org.tdpipe.model.llama;

import java.util.ArrayList;
import java.util.List;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.model.format.ModelConfig;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.sampling.SampledToken;
import org.tdpipe.model.sampling.Sampler;
import org.tdpipe.model.tensor.Parallel;

/**
 * Executes engine batches on a whole model in this process: the layers split into
 * {@link RunnerOptions#numStages()} {@link LlamaStage}s chained one after the other (hidden
 * states handed over in memory), then the last stage's logits sampled.
 */
public final class LocalModelRunner implements AutoCloseable {
    private final ModelConfig config;
    private final RunnerOptions options;
    private final List<LlamaStage> stages;
    private final Parallel parallel;
    private final Sampler sampler;

    public LocalModelRunner(ModelSource source, RunnerOptions options) {
        this.config = source.config();
        this.options = options;
        this.parallel = new Parallel(options.threads());
        this.sampler = new Sampler(options.seed());
        int kvDim = config.numKvHeads() * config.headDim();
        List<LlamaStage> list = new ArrayList<>();
        for (LayerRange range : LayerRange.split(config.numLayers(), options.numStages())) {
            KvCache cache = new KvCache(range.size(), options.numBlocks(), options.blockSize(), kvDim);
            list.add(new LlamaStage(config, StageWeights.load(source, range), cache, parallel));
        }
        this.stages = List.copyOf(list);
    }

    public ModelConfig config() {
        return config;
    }

    public RunnerOptions options() {
        return options;
    }

    public int numStages() {
        return stages.size();
    }

    public BatchLayout layout(StepBatch batch) {
        return BatchLayout.of(batch, options.blockSize(), config.contextLength());
    }

    /**
     * Runs stage {@code stage}: the first embeds the batch's tokens (its {@code input} is ignored and
     * may be null), the others continue {@code input}, the previous stage's output.
     */
    public HiddenStates runStage(int stage, BatchLayout layout, HiddenStates input) {
        LlamaStage s = stages.get(stage);
        return s.forward(layout, stage == 0 ? s.embed(layout) : input);
    }

    /** Logits of the batch's sampled rows from the last stage's output. */
    public float[] logits(BatchLayout layout, HiddenStates last) {
        return stages.getLast().logits(layout, last);
    }

    /** Samples one token per sampling sequence from {@code logits} ({@link #logits} of the same layout). */
    public StepOutput sample(BatchLayout layout, float[] logits) {
        int vocab = config.vocabSize();
        List<SampledToken> out = new ArrayList<>(layout.numSampled());
        for (int i = 0; i < layout.numSampled(); i++) {
            var seq = layout.batch().seqs().get(layout.sampledSeq(i));
            out.add(sampler.sample(logits, i * vocab, vocab, seq.request(), seq.contextLength()));
        }
        return new StepOutput(layout.batch(), out);
    }

    /** The logits ({@code numSampled × vocab}) of a batch, running every stage. */
    public float[] forward(BatchLayout layout) {
        HiddenStates h = null;
        for (int s = 0; s < stages.size(); s++) {
            h = runStage(s, layout, h);
        }
        return logits(layout, h);
    }

    /** Runs every stage over the batch and samples. */
    public StepOutput execute(StepBatch batch) {
        BatchLayout layout = layout(batch);
        return sample(layout, forward(layout));
    }

    @Override
    public void close() {
        parallel.close();
    }
}
