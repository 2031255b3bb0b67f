package org.tdpipe.runtime;

import java.util.ArrayList;
import java.util.List;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.model.format.ModelConfig;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.BatchLayout;
import org.tdpipe.model.llama.HiddenStates;
import org.tdpipe.model.llama.KvCache;
import org.tdpipe.model.llama.LayerRange;
import org.tdpipe.model.llama.LlamaStage;
import org.tdpipe.model.llama.StageWeights;
import org.tdpipe.model.llama.StepOutput;
import org.tdpipe.model.sampling.SampledToken;
import org.tdpipe.model.sampling.Sampler;
import org.tdpipe.model.tensor.Parallel;

/**
 * A stage of a Llama-family model on this CPU: the {@link LlamaStage} of its layer range (only
 * those weights are opened), the KV cache of those layers, and its own kernel thread pool.
 */
public final class LlamaStageComputation implements StageComputation {
    private final ModelConfig config;
    private final int blockSize;
    private final LlamaStage stage;
    private final Parallel parallel;
    private final Sampler sampler;

    private LlamaStageComputation(ModelConfig config, int blockSize, LlamaStage stage, Parallel parallel, Sampler sampler) {
        this.config = config;
        this.blockSize = blockSize;
        this.stage = stage;
        this.parallel = parallel;
        this.sampler = sampler;
    }

    /** Opens the weights of {@code range} and allocates their KV cache of {@code numBlocks} blocks. */
    public static LlamaStageComputation load(ModelSource source, LayerRange range, StageResources resources) {
        ModelConfig c = source.config();
        KvCache cache = new KvCache(range.size(), resources.numBlocks(), resources.blockSize(), c.numKvHeads() * c.headDim());
        Parallel parallel = new Parallel(resources.threads());
        LlamaStage stage = new LlamaStage(c, StageWeights.load(source, range), cache, parallel);
        return new LlamaStageComputation(c, resources.blockSize(), stage, parallel, new Sampler(resources.seed()));
    }

    /** One stage per range, in pipeline order. */
    public static List<StageComputation> loadAll(ModelSource source, List<LayerRange> ranges, StageResources resources) {
        List<StageComputation> out = new ArrayList<>(ranges.size());
        for (LayerRange range : ranges) {
            out.add(load(source, range, resources));
        }
        return out;
    }

    @Override
    public LayerRange range() {
        return stage.range();
    }

    @Override
    public BatchLayout prepare(StepBatch batch) {
        return BatchLayout.of(batch, blockSize, config.contextLength());
    }

    @Override
    public HiddenStates forward(BatchLayout layout, HiddenStates input) {
        return stage.forward(layout, range().isFirst() ? stage.embed(layout) : input);
    }

    @Override
    public StepOutput sample(BatchLayout layout, HiddenStates hidden) {
        float[] logits = stage.logits(layout, hidden);
        int vocab = config.vocabSize();
        List<SampledToken> sampled = new ArrayList<>(layout.numSampled());
        for (int i = 0; i < layout.numSampled(); i++) {
            ScheduledSeq seq = layout.batch().seqs().get(layout.sampledSeq(i));
            sampled.add(sampler.sample(logits, i * vocab, vocab, seq.request(), seq.contextLength()));
        }
        return new StepOutput(layout.batch(), sampled);
    }

    @Override
    public void close() {
        parallel.close();
    }
}
