package org.tdpipe.model.bench;

import java.util.ArrayList;
import java.util.List;
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
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.model.dummy.DummyModelSource;
import org.tdpipe.model.llama.LocalModelRunner;
import org.tdpipe.model.llama.RunnerOptions;
import org.tdpipe.model.llama.StepOutput;

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
    private LocalModelRunner runner;
    private StepBatch step;

    @Setup
    public void setUp() {
        source = DummyModelSource.open(model);
        int blocksPerSeq = (PROMPT + 1 + 15) / 16;
        runner = new LocalModelRunner(source, RunnerOptions.defaults(batch * blocksPerSeq));
        BlockManager blocks = new BlockManager(batch * blocksPerSeq, 16, 0);
        List<ScheduledSeq> prefill = new ArrayList<>();
        List<ScheduledSeq> decode = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            int[] prompt = new int[PROMPT];
            for (int t = 0; t < PROMPT; t++) {
                prompt[t] = 3 + (i * 31 + t * 7) % 250;
            }
            Request r = new Request(i, "bench-" + i, prompt, SamplingParams.fixedLength(1000), 0);
            blocks.ensureCapacity(r, PROMPT + 1);
            r.markRunning(0);
            prefill.add(new ScheduledSeq(r, 0, PROMPT, true));
            decode.add(new ScheduledSeq(r, PROMPT - 1, 1, true));
        }
        StepBatch prefillBatch = new StepBatch(0, Phase.PREFILL, prefill, 0);
        runner.execute(prefillBatch);
        // decoding re-feeds the last prompt token at the same position: the same work every call
        step = phase.equals("prefill") ? prefillBatch : new StepBatch(1, Phase.DECODE, decode, 0);
    }

    @TearDown
    public void tearDown() {
        runner.close();
        source.close();
    }

    @Benchmark
    public StepOutput step() {
        return runner.execute(step);
    }

    /** Tokens fed by one {@link #step}. */
    static int tokens(String phase, int batch) {
        return phase.equals("prefill") ? batch * PROMPT : batch;
    }
}
