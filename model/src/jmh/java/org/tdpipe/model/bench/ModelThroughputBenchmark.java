package org.tdpipe.model.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.model.dummy.DummyModelSource;
import org.tdpipe.model.format.ModelConfig;
import org.tdpipe.model.llama.KvCache;
import org.tdpipe.model.llama.LayerRange;
import org.tdpipe.model.llama.LlamaStage;
import org.tdpipe.model.llama.StageWeights;
import org.tdpipe.model.step.BatchLayout;
import org.tdpipe.model.step.Ints;
import org.tdpipe.model.step.SamplingSettings;
import org.tdpipe.model.step.SequenceStart;
import org.tdpipe.model.step.SequenceStep;
import org.tdpipe.model.step.SequenceTable;
import org.tdpipe.model.step.StepInput;
import org.tdpipe.model.tensor.Parallel;

/**
 * End-to-end steps of a dummy model on all cores: a prefill of {@code batch} prompts of
 * {@link #PROMPT} tokens, or one decode step of {@code batch} sequences at context {@link #PROMPT}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ModelThroughputBenchmark {
    static final int PROMPT = 32;

    @Param({"dummy:llama-110m"})
    public String model;

    @Param({"1", "8", "32"})
    public int batch;

    @Param({"prefill", "decode"})
    public String phase;

    private DummyModelSource source;
    private Parallel parallel;
    private LlamaStage stage;
    private BatchLayout layout;

    @Setup
    public void setUp() {
        source = DummyModelSource.open(model);
        ModelConfig c = source.config();
        int blocksPerSeq = (PROMPT + 1 + 15) / 16;
        parallel = Parallel.allCores();
        KvCache cache = new KvCache(c.numLayers(), batch * blocksPerSeq, 16, c.numKvHeads() * c.headDim());
        stage = new LlamaStage(c, StageWeights.load(source, new LayerRange(0, c.numLayers(), c.numLayers())), cache, parallel);
        List<SequenceStep> prefill = new ArrayList<>();
        List<SequenceStep> decode = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            int[] prompt = new int[PROMPT];
            for (int t = 0; t < PROMPT; t++) {
                prompt[t] = 3 + (i * 31 + t * 7) % 250;
            }
            int[] blocks = new int[blocksPerSeq];
            for (int b = 0; b < blocksPerSeq; b++) {
                blocks[b] = i * blocksPerSeq + b;
            }
            prefill.add(new SequenceStep(i, 0, Ints.of(prompt), Ints.of(blocks), true,
                    Optional.of(new SequenceStart("bench-" + i, PROMPT, SamplingSettings.GREEDY, Ints.EMPTY))));
            decode.add(new SequenceStep(i, PROMPT, Ints.of(prompt[0]), Ints.EMPTY, true, Optional.empty()));
        }
        SequenceTable table = new SequenceTable(16, c.contextLength());
        BatchLayout prefillLayout = table.apply(new StepInput(0, Phase.PREFILL, 0, prefill, List.of()));
        run(prefillLayout);
        // a decode step re-run feeds the same position again: the same work every call
        layout = phase.equals("prefill") ? prefillLayout : table.apply(new StepInput(1, Phase.DECODE, 0, decode, List.of()));
    }

    private float[] run(BatchLayout l) {
        return stage.logits(l, stage.forward(l, stage.embed(l)));
    }

    @TearDown
    public void tearDown() {
        parallel.close();
        source.close();
    }

    @Benchmark
    public float[] step() {
        return run(layout);
    }

    /** Tokens fed by one {@link #step}. */
    static int tokens(String phase, int batch) {
        return phase.equals("prefill") ? batch * PROMPT : batch;
    }
}
