package org.tdpipe.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.LocalModelRunner;
import org.tdpipe.model.llama.RunnerOptions;

/**
 * Measures {@code T[n]}, the full-model forward time of a batch of n tokens, on this machine: the
 * whole model on one stage's share of threads (a pipeline stage holding 1/P of the layers then
 * takes about {@code T[n]/P}, the TD-Pipe cost model). The whole grid of batch sizes (doubling) is
 * run once to warm the kernels up, then each size is timed {@code repeats} times (the median
 * counts); sizes in between are interpolated ({@link ProfileCurve}).
 *
 * <p>A batch of n tokens is prefill work: sequences of at most {@value #MAX_SEQUENCE} tokens
 * (fewer when the model's context is shorter), each sampling its last token.
 */
public final class Profiler {
    static final int MAX_SEQUENCE = 256;
    private static final int BLOCK_SIZE = 16;

    private final ModelSource source;
    private final int threads;
    private final int repeats;

    public Profiler(ModelSource source, int threads, int repeats) {
        if (threads < 1 || repeats < 1) {
            throw new IllegalArgumentException("profiling needs >= 1 thread and >= 1 repeat, got " + threads + " and " + repeats);
        }
        this.source = source;
        this.threads = threads;
        this.repeats = repeats;
    }

    /** Batch sizes measured for a profile up to {@code maxTokens}: powers of two below it, then it. */
    static int[] grid(int maxTokens) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("profile needs at least 1 token, got " + maxTokens);
        }
        IntStream powers = IntStream.iterate(1, n -> n < maxTokens, n -> n * 2);
        return IntStream.concat(powers, IntStream.of(maxTokens)).toArray();
    }

    /** The profile of batch sizes {@code 1..maxTokens}. */
    public Profile measure(int maxTokens) {
        int[] sizes = grid(maxTokens);
        double[] ms = new double[sizes.length];
        int seqLen = Math.min(MAX_SEQUENCE, source.config().contextLength());
        int blocks = (maxTokens + BLOCK_SIZE - 1) / BLOCK_SIZE + (maxTokens + seqLen - 1) / seqLen;
        try (LocalModelRunner runner = new LocalModelRunner(source, new RunnerOptions(1, blocks, BLOCK_SIZE, threads, 0))) {
            StepBatch[] batches = new StepBatch[sizes.length];
            for (int i = 0; i < sizes.length; i++) {
                batches[i] = prefill(sizes[i], seqLen, blocks);
                runner.execute(batches[i]);
            }
            for (int i = 0; i < sizes.length; i++) {
                double[] runs = new double[repeats];
                for (int r = 0; r < repeats; r++) {
                    long start = System.nanoTime();
                    runner.execute(batches[i]);
                    runs[r] = (System.nanoTime() - start) / 1e6;
                }
                Arrays.sort(runs);
                ms[i] = runs[repeats / 2];
            }
        }
        return ProfileCurve.interpolate("measured " + source.location() + " (" + threads + " threads)", sizes, ms);
    }

    /** Sequences of placeholder tokens adding up to {@code tokens}, each at most {@code seqLen} long. */
    private static StepBatch prefill(int tokens, int seqLen, int blocks) {
        BlockManager blockManager = new BlockManager(blocks, BLOCK_SIZE, 0);
        List<ScheduledSeq> seqs = new ArrayList<>();
        for (int from = 0, id = 0; from < tokens; from += seqLen, id++) {
            int len = Math.min(seqLen, tokens - from);
            int[] prompt = new int[len];
            Arrays.fill(prompt, 1);
            Request r = new Request(id, "profile-" + id, prompt, SamplingParams.greedy(1), 0);
            blockManager.ensureCapacity(r, len);
            seqs.add(new ScheduledSeq(r, 0, len, true));
        }
        return new StepBatch(0, Phase.PREFILL, seqs, 0);
    }
}
