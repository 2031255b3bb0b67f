package org.tdpipe.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tdpipe.core.exec.PromptLogprobs;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.model.format.ModelConfig;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.HiddenStates;
import org.tdpipe.model.llama.KvCache;
import org.tdpipe.model.llama.LayerRange;
import org.tdpipe.model.llama.AllReduce;
import org.tdpipe.model.llama.InProcessAllReduce;
import org.tdpipe.model.llama.LlamaStage;
import org.tdpipe.model.llama.StageModel;
import org.tdpipe.model.llama.StageWeights;
import org.tdpipe.model.llama.TensorParallelStage;
import org.tdpipe.model.llama.TensorShard;
import org.tdpipe.model.sampling.Sampler;
import org.tdpipe.model.step.BatchLayout;
import org.tdpipe.model.step.ScoredRows;
import org.tdpipe.model.step.SequenceTable;
import org.tdpipe.model.step.StepInput;
import org.tdpipe.model.tensor.Parallel;

/**
 * A stage of a Llama-family model on this CPU: the {@link LlamaStage} of its layer range (only
 * those weights are opened) with the KV cache of those layers and its own kernel thread pool — or
 * a {@link TensorParallelStage} of several such ranks, each with its share of the weights, cache
 * and threads — and the stage's record of its sequences.
 */
public final class LlamaStageComputation implements StageComputation {
    private final ModelConfig config;
    private final StageModel stage;
    private final SequenceTable sequences;
    /** The kernel pools of the stage's ranks; the first also samples. */
    private final List<Parallel> pools;
    private final Sampler sampler;
    /** False on a tensor-parallel rank other than the leader, which holds no LM head: the leader samples. */
    private final boolean samples;

    private LlamaStageComputation(ModelConfig config, StageModel stage, List<Parallel> pools, StageResources resources,
            boolean samples) {
        this.config = config;
        this.stage = stage;
        this.pools = List.copyOf(pools);
        this.samples = samples;
        this.sequences = new SequenceTable(resources.blockSize(), config.contextLength());
        this.sampler = new Sampler(resources.seed());
    }

    /** Opens the weights of {@code range} and allocates their KV cache of {@code numBlocks} blocks. */
    public static LlamaStageComputation load(ModelSource source, LayerRange range, StageResources resources) {
        return load(source, range, resources, 1);
    }

    /**
     * The stage of {@code range} split over {@code tensorParallel} ranks in this process (1: not
     * split), each with {@code resources.threads()} kernel threads and its share of the KV cache
     * (its KV heads of {@code numBlocks} blocks).
     *
     * @throws IllegalArgumentException when the ranks do not divide the heads and FFN columns evenly
     */
    public static LlamaStageComputation load(ModelSource source, LayerRange range, StageResources resources,
            int tensorParallel) {
        ModelConfig c = source.config();
        TensorShard.requireDivides(c, tensorParallel);
        InProcessAllReduce allReduce = new InProcessAllReduce(tensorParallel);
        List<LlamaStage> ranks = new ArrayList<>(tensorParallel);
        List<Parallel> pools = new ArrayList<>(tensorParallel);
        try {
            for (int r = 0; r < tensorParallel; r++) {
                Parallel parallel = new Parallel(resources.threads());
                pools.add(parallel);
                ranks.add(rank(source, range, resources, new TensorShard(r, tensorParallel),
                        tensorParallel == 1 ? AllReduce.NONE : allReduce.rank(r), parallel));
            }
        } catch (RuntimeException e) {
            pools.forEach(Parallel::close);
            throw e;
        }
        StageModel stage = tensorParallel == 1 ? ranks.getFirst() : new TensorParallelStage(ranks, allReduce);
        return new LlamaStageComputation(c, stage, pools, resources, true);
    }

    /**
     * Tensor-parallel rank {@code shard} of the stage of {@code range} alone (the other ranks run
     * elsewhere and meet it in {@code allReduce}); only the leader rank samples. With
     * {@link TensorShard#WHOLE} it is {@link #load(ModelSource, LayerRange, StageResources)}.
     */
    public static LlamaStageComputation loadRank(ModelSource source, LayerRange range, StageResources resources,
            TensorShard shard, AllReduce allReduce) {
        TensorShard.requireDivides(source.config(), shard.size());
        Parallel parallel = new Parallel(resources.threads());
        try {
            LlamaStage stage = rank(source, range, resources, shard, allReduce, parallel);
            return new LlamaStageComputation(source.config(), stage, List.of(parallel), resources, shard.isLeader());
        } catch (RuntimeException e) {
            parallel.close();
            throw e;
        }
    }

    private static LlamaStage rank(ModelSource source, LayerRange range, StageResources resources, TensorShard shard,
            AllReduce allReduce, Parallel parallel) {
        ModelConfig c = source.config();
        KvCache cache = new KvCache(range.size(), resources.numBlocks(), resources.blockSize(), shard.kvHeads(c) * c.headDim());
        return new LlamaStage(c, StageWeights.load(source, range, shard), cache, parallel, shard, allReduce);
    }

    /** One stage per range, in pipeline order, each split over {@code tensorParallel} ranks. */
    public static List<StageComputation> loadAll(ModelSource source, List<LayerRange> ranges, StageResources resources,
            int tensorParallel) {
        List<StageComputation> out = new ArrayList<>(ranges.size());
        for (LayerRange range : ranges) {
            out.add(load(source, range, resources, tensorParallel));
        }
        return out;
    }

    @Override
    public LayerRange range() {
        return stage.range();
    }

    @Override
    public BatchLayout prepare(StepInput step) {
        return sequences.apply(step);
    }

    @Override
    public HiddenStates forward(BatchLayout layout, HiddenStates input) {
        return stage.forward(layout, range().isFirst() ? stage.embed(layout) : input);
    }

    /**
     * The logits of the sampled rows and of the rows that score prompt tokens (one pass of the LM
     * head), then one token per sampled row, rows sampled on the stage's threads, and the prompt scores.
     */
    @Override
    public LastStageOutput sample(BatchLayout layout, HiddenStates hidden) {
        if (!samples) {
            return new LastStageOutput(List.of(), List.of());
        }
        int numSampled = layout.numSampled();
        int numScored = layout.scored().stream().mapToInt(s -> s.rows().length).sum();
        int[] rows = Arrays.copyOf(layout.sampledRows(), numSampled + numScored);
        int next = numSampled;
        for (ScoredRows s : layout.scored()) {
            System.arraycopy(s.rows(), 0, rows, next, s.rows().length);
            next += s.rows().length;
        }
        float[] logits = stage.logits(hidden, rows);
        int vocab = config.vocabSize();
        SampledToken[] sampled = new SampledToken[numSampled];
        pools.getFirst().forRange(sampled.length, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                sampled[i] = sampler.sample(logits, i * vocab, vocab, layout.sampled(i));
            }
        });
        List<PromptLogprobs> prompt = new ArrayList<>(layout.scored().size());
        int row = numSampled;
        for (ScoredRows s : layout.scored()) {
            List<SampledToken> scores = new ArrayList<>(s.rows().length);
            List<Integer> ranks = new ArrayList<>(s.rows().length);
            for (int i = 0; i < s.rows().length; i++, row++) {
                Sampler.Score score = Sampler.score(logits, row * vocab, vocab, s.targets().get(i), s.top());
                scores.add(score.token());
                ranks.add(score.rank());
            }
            prompt.add(new PromptLogprobs(s.seqId(), s.firstPosition(), scores, ranks));
        }
        return new LastStageOutput(List.of(sampled), prompt);
    }

    /** Last stage only: the logits of every row of the batch ({@code numTokens × vocab}), nothing sampled. */
    public float[] logitsOfEveryRow(HiddenStates hidden) {
        return stage.logitsOfEveryRow(hidden);
    }

    @Override
    public void close() {
        stage.close();
        pools.forEach(Parallel::close);
    }
}
