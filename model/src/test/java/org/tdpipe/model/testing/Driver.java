package org.tdpipe.model.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.model.format.ModelConfig;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.HiddenStates;
import org.tdpipe.model.llama.KvCache;
import org.tdpipe.model.llama.LayerRange;
import org.tdpipe.model.llama.LlamaStage;
import org.tdpipe.model.llama.StageWeights;
import org.tdpipe.model.sampling.Sampler;
import org.tdpipe.model.step.BatchLayout;
import org.tdpipe.model.step.SequenceTable;
import org.tdpipe.model.step.StepInput;
import org.tdpipe.model.tensor.Parallel;

/**
 * The model's stages chained on the test's thread (hidden states handed over in memory), the last
 * one's logits sampled: runs steps of {@link Sequences}, appends the sampled tokens to their
 * sequences and records, per sequence, the logits it sampled from.
 */
public final class Driver implements AutoCloseable {
    private final ModelConfig config;
    private final Parallel parallel;
    private final List<LlamaStage> stages = new ArrayList<>();
    private final SequenceTable table;
    private final Sampler sampler = new Sampler(1);
    private final Map<Long, List<float[]>> logits = new HashMap<>();

    public Driver(ModelSource source, int numStages, int numBlocks, int blockSize, int threads) {
        this.config = source.config();
        this.parallel = new Parallel(threads);
        this.table = new SequenceTable(blockSize, config.contextLength());
        int kvDim = config.numKvHeads() * config.headDim();
        for (LayerRange range : LayerRange.split(config.numLayers(), numStages)) {
            stages.add(new LlamaStage(config, StageWeights.load(source, range),
                    new KvCache(range.size(), numBlocks, blockSize, kvDim), parallel));
        }
    }

    public int numStages() {
        return stages.size();
    }

    /** Executes one step of {@code seqs}; the sampled tokens are appended to their sequences. */
    public List<SampledToken> step(Sequences seqs, StepInput step) {
        BatchLayout layout = table.apply(step);
        HiddenStates h = stages.getFirst().embed(layout);
        for (LlamaStage stage : stages) {
            h = stage.forward(layout, h);
        }
        float[] all = stages.getLast().logits(h, layout.sampledRows());
        int vocab = config.vocabSize();
        List<SampledToken> sampled = new ArrayList<>();
        for (int i = 0; i < layout.numSampled(); i++) {
            long id = layout.sampled(i).seqId();
            logits.computeIfAbsent(id, k -> new ArrayList<>()).add(Arrays.copyOfRange(all, i * vocab, (i + 1) * vocab));
            SampledToken token = sampler.sample(all, i * vocab, vocab, layout.sampled(i));
            seqs.byId(id).append(token.token());
            sampled.add(token);
        }
        return sampled;
    }

    public List<float[]> logits(TestSequence seq) {
        return logits.getOrDefault(seq.id(), List.of());
    }

    /** Prefills {@code seq} in chunks of {@code chunk} tokens, then decodes until it has {@code outputs} tokens. */
    public void generateAlone(Sequences seqs, TestSequence seq, int chunk, int outputs) {
        int prompt = seq.numTokens();
        for (int start = 0; start < prompt; start += chunk) {
            int n = Math.min(chunk, prompt - start);
            step(seqs, seqs.step(new Sequences.Slice(seq, start, n, start + n == prompt)));
        }
        while (seq.numOutputTokens() < outputs) {
            step(seqs, seqs.step(Sequences.decode(seq)));
        }
    }

    @Override
    public void close() {
        parallel.close();
    }
}
