package org.tdpipe.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.StepResult;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.LayerRange;

/**
 * Measures {@code T[n]}, the full-model forward time of a batch of n tokens, on this machine: the
 * whole model as one stage ({@link LocalExecutor}) on one stage's share of threads (a pipeline stage holding 1/P of the layers then
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
    private long nextBatchId;

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
        LayerRange whole = new LayerRange(0, source.config().numLayers(), source.config().numLayers());
        try (LocalExecutor executor = LocalExecutor.open(source, List.of(whole), new StageResources(blocks, BLOCK_SIZE, threads, 0),
                BatchDeadline.AUTO)) {
            List<List<Request>> batches = new ArrayList<>();
            for (int size : sizes) {
                batches.add(prefill(size, seqLen, blocks));
                execute(executor, batches.getLast());
            }
            for (int i = 0; i < sizes.length; i++) {
                double[] runs = new double[repeats];
                for (int r = 0; r < repeats; r++) {
                    long start = System.nanoTime();
                    execute(executor, batches.get(i));
                    runs[r] = (System.nanoTime() - start) / 1e6;
                }
                Arrays.sort(runs);
                ms[i] = runs[repeats / 2];
            }
        }
        return ProfileCurve.interpolate("measured " + source.location() + " (" + threads + " threads)", sizes, ms);
    }

    /** Prefills every request of {@code requests} whole (from scratch each time) and waits for the batch. */
    private void execute(LocalExecutor executor, List<Request> requests) {
        List<ScheduledSeq> seqs = requests.stream().map(r -> new ScheduledSeq(r, 0, r.promptLength(), true)).toList();
        executor.submit(new StepBatch(nextBatchId++, Phase.PREFILL, seqs, 0));
        StepResult result = executor.next(Long.MAX_VALUE).orElseThrow();
        if (result.failed()) {
            throw new IllegalStateException("profiling batch " + result.batch().id() + " failed: " + result.error());
        }
    }

    /** Requests of placeholder tokens adding up to {@code tokens}, each at most {@code seqLen} long, with their blocks. */
    private static List<Request> prefill(int tokens, int seqLen, int blocks) {
        BlockManager blockManager = new BlockManager(blocks, BLOCK_SIZE, 0);
        List<Request> requests = new ArrayList<>();
        for (int from = 0, id = 0; from < tokens; from += seqLen, id++) {
            int len = Math.min(seqLen, tokens - from);
            int[] prompt = new int[len];
            Arrays.fill(prompt, 1);
            Request r = new Request(id, "profile-" + id, prompt, SamplingParams.greedy(1), 0);
            blockManager.ensureCapacity(r, len);
            requests.add(r);
        }
        return requests;
    }
}
