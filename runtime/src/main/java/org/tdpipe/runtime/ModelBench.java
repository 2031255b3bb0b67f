package org.tdpipe.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.StepResult;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.LayerRange;

/**
 * llama-bench's tests on the real stack: one sequence at a time on a pipeline executor, its KV
 * blocks from a {@link BlockManager}, as the engine would run it. {@code ppN} evaluates a prompt of
 * N tokens in one forward pass (sampling only the last); {@code tgN} generates N tokens one step at
 * a time from an empty context (positions 0 to N − 1, each step feeding the token sampled before).
 * Every test runs once to warm up, then {@code repetitions} times timed.
 */
public final class ModelBench {
    private static final int BLOCK_SIZE = 16;

    /**
     * One test: a prompt of {@code nPrompt} tokens, or {@code nGen} generated tokens (the other is 0).
     */
    public record Test(int nPrompt, int nGen) {
        public Test {
            if (nPrompt < 0 || nGen < 0 || (nPrompt > 0) == (nGen > 0)) {
                throw new IllegalArgumentException("a test evaluates a prompt or generates tokens, got " + nPrompt + " prompt and "
                        + nGen + " generated tokens");
            }
        }

        public static Test prompt(int tokens) {
            return new Test(tokens, 0);
        }

        public static Test generation(int tokens) {
            return new Test(0, tokens);
        }

        /** {@code pp512}, {@code tg128}, as llama-bench names them. */
        public String name() {
            return nPrompt > 0 ? "pp" + nPrompt : "tg" + nGen;
        }

        public int tokens() {
            return nPrompt + nGen;
        }

        /** Fails when the test needs more positions than the model's context has. */
        public void requireFits(ModelSource model) {
            int context = model.config().contextLength();
            if (tokens() > context) {
                throw new IllegalArgumentException(name() + " needs " + tokens() + " positions, more than the context length " + context
                        + " of " + model.location());
            }
        }
    }

    /** The timed repetitions of a test, the warm-up left out. */
    public record Timing(Test test, List<Long> nanos) {
        public Timing {
            nanos = List.copyOf(nanos);
            if (nanos.isEmpty()) {
                throw new IllegalArgumentException(test.name() + ": no timed repetition");
            }
        }

        /** Tokens per second of each repetition. */
        public double[] tokensPerSecond() {
            return nanos.stream().mapToDouble(ns -> test.tokens() / (ns / 1e9)).toArray();
        }

        public double meanTokensPerSecond() {
            double sum = 0;
            for (double ts : tokensPerSecond()) {
                sum += ts;
            }
            return sum / nanos.size();
        }

        /** Sample standard deviation of the tokens per second; 0 for a single repetition. */
        public double stddevTokensPerSecond() {
            if (nanos.size() < 2) {
                return 0;
            }
            double mean = meanTokensPerSecond();
            double squares = 0;
            for (double ts : tokensPerSecond()) {
                squares += (ts - mean) * (ts - mean);
            }
            return Math.sqrt(squares / (nanos.size() - 1));
        }
    }

    private final PipelineExecutor executor;
    private final BlockManager blocks;
    private final int vocabSize;
    private final int repetitions;
    private long nextRequestId;
    private long nextBatchId;

    /**
     * @param blocks hands out the blocks of the executor's KV cache; it must hold the longest test
     * @param vocabSize prompt token ids are drawn from {@code [0, vocabSize)}
     */
    public ModelBench(PipelineExecutor executor, BlockManager blocks, int vocabSize, int repetitions) {
        if (repetitions < 1) {
            throw new IllegalArgumentException("repetitions must be >= 1, got " + repetitions);
        }
        this.executor = executor;
        this.blocks = blocks;
        this.vocabSize = vocabSize;
        this.repetitions = repetitions;
    }

    /**
     * Runs {@code tests} in order on the whole model as one {@link LocalExecutor} stage of
     * {@code threads} kernel threads, handing each timing to {@code done} as it is measured.
     */
    public static List<Timing> run(ModelSource source, int threads, int repetitions, List<Test> tests, Consumer<Timing> done) {
        tests.forEach(t -> t.requireFits(source));
        int maxPrompt = tests.stream().mapToInt(Test::nPrompt).max().orElse(0);
        int maxGen = tests.stream().mapToInt(Test::nGen).max().orElse(0);
        int numBlocks = Math.max(1, (maxPrompt + maxGen + BLOCK_SIZE - 1) / BLOCK_SIZE);
        int layers = source.config().numLayers();
        try (LocalExecutor executor = LocalExecutor.open(source, List.of(LayerRange.all(layers)),
                new StageResources(numBlocks, BLOCK_SIZE, threads, 0), BatchDeadline.AUTO)) {
            ModelBench bench = new ModelBench(executor, new BlockManager(numBlocks, BLOCK_SIZE, 0), source.config().vocabSize(),
                    repetitions);
            List<Timing> timings = new ArrayList<>();
            for (Test t : tests) {
                timings.add(bench.measure(t));
                done.accept(timings.getLast());
            }
            return timings;
        }
    }

    /** Runs {@code test} once untimed, then {@code repetitions} times timed. */
    public Timing measure(Test test) {
        once(test);
        List<Long> nanos = new ArrayList<>(repetitions);
        for (int r = 0; r < repetitions; r++) {
            nanos.add(once(test));
        }
        return new Timing(test, nanos);
    }

    /** One run of the test on a fresh request; returns its time in nanoseconds. */
    private long once(Test test) {
        long id = nextRequestId++;
        int[] prompt = new SplittableRandom(id).ints(Math.max(1, test.nPrompt()), 0, vocabSize).toArray();
        Request request = new Request(id, "bench-" + id, prompt, SamplingParams.fixedLength(Math.max(1, test.nGen())), 0);
        long start = System.nanoTime();
        if (test.nPrompt() > 0) {
            step(test, request, Phase.PREFILL, 0, test.nPrompt());
        } else {
            for (int position = 0; position < test.nGen(); position++) {
                step(test, request, Phase.DECODE, position, 1);
            }
        }
        long elapsed = System.nanoTime() - start;
        request.markFinished(FinishReason.LENGTH, executor.clock().nanos());
        blocks.free(request);
        return elapsed;
    }

    /** Feeds tokens {@code [start, start + tokens)} of the request, samples its next token and appends it. */
    private void step(Test test, Request request, Phase phase, int start, int tokens) {
        if (!blocks.ensureCapacity(request, start + tokens)) {
            throw new IllegalStateException(test.name() + ": the KV cache of " + blocks.numBlocks() + " blocks is too small");
        }
        request.markRunning(executor.clock().nanos());
        executor.submit(new StepBatch(nextBatchId++, phase, List.of(new ScheduledSeq(request, start, tokens, true)), 0));
        StepResult result = executor.next(Long.MAX_VALUE).orElseThrow();
        if (result.failed()) {
            throw new IllegalStateException(test.name() + ": batch " + result.batch().id() + " failed: " + result.error());
        }
        request.markComputed(tokens);
        request.appendToken(result.sampled().getFirst().token(), executor.clock().nanos());
        request.markReady();
    }
}
