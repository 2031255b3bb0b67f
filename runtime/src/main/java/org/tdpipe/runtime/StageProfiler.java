package org.tdpipe.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.exec.PipelineOpener;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.StepResult;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.profile.HandoffTiming;
import org.tdpipe.core.profile.StageProfile;
import org.tdpipe.core.profile.StageTiming;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.core.timeline.Span;

/**
 * Measures a {@link StageProfile} on the real pipeline — the executor the benchmarks run: stage
 * threads, gRPC workers, or one tensor-parallel group as a single stage. Every probe batch is
 * launched several times in a row with all stages busy, as in a full pipeline, so the stage times include
 * what stages running at once cost each other (shared cores and memory bandwidth), then as many
 * times one copy at a time, each stage alone (a stage streaming weights by itself is faster: the
 * pipeline's fill, drain and waits run at that speed). Each stage's time is the median of its
 * spans. The runs alone also time each hand-off, median over the prefill probes' copies: from the
 * controller's launch to the first stage's start, from a stage's end to the next stage's start (the
 * activations on the link between them) and from the last stage's end to the result at the
 * controller. Probes: prefill batches of doubling sizes (sequences of at most
 * {@link Grid#prefillSequence} tokens, each sampling once) and decode batches of doubling sizes at
 * each of {@link Grid#decodeContexts}. A decode probe's sequences declare their context computed
 * (its KV is whatever the blocks hold), so that timing them costs no prefill.
 */
public final class StageProfiler {
    private static final int BLOCK_SIZE = 16;

    /**
     * What to measure.
     *
     * @param maxPrefillTokens largest prefill batch
     * @param prefillSequence longest prompt in a prefill batch
     * @param maxDecodeSeqs largest decode batch
     * @param decodeContexts context lengths of the decode batches (two or more tell attention from the LM head)
     * @param repeats timed launches per probe
     */
    public record Grid(int maxPrefillTokens, int prefillSequence, int maxDecodeSeqs, int[] decodeContexts, int repeats) {
        public Grid {
            decodeContexts = decodeContexts.clone();
            if (maxPrefillTokens < 1 || prefillSequence < 1 || maxDecodeSeqs < 1 || repeats < 1 || decodeContexts.length == 0) {
                throw new IllegalArgumentException("stage profile grid needs positive sizes, contexts and repeats");
            }
            for (int c : decodeContexts) {
                if (c < 2) {
                    throw new IllegalArgumentException("decode contexts must be >= 2 tokens, got " + c);
                }
            }
        }
    }

    private final PipelineOpener pipeline;
    private final int maxLen;
    private long nextBatchId;

    /**
     * @param pipeline opens the pipeline to measure, over as many KV blocks as the probes need
     * @param maxModelLen the model's longest sequence: no probe is longer
     */
    public StageProfiler(PipelineOpener pipeline, int maxModelLen) {
        this.pipeline = pipeline;
        this.maxLen = maxModelLen;
    }

    /** Measures every probe of {@code grid}; {@code setup} is recorded with the timings. */
    public StageProfile measure(Grid grid, Map<String, String> setup) {
        int seqLen = Math.min(grid.prefillSequence(), maxLen);
        List<Probe> probes = new ArrayList<>();
        for (int n : Profiler.grid(grid.maxPrefillTokens())) {
            probes.add(prefill(n, seqLen));
        }
        // contexts side by side for each size, so that a machine getting slower or faster over the
        // run does not pass for attention cost
        for (int b : Profiler.grid(grid.maxDecodeSeqs())) {
            for (int c : grid.decodeContexts()) {
                probes.add(decode(b, Math.min(c, maxLen)));
            }
        }
        int blocks = probes.stream().mapToInt(Probe::blocks).max().orElseThrow();
        List<StageTiming> timings = new ArrayList<>();
        List<HandoffTiming> handoffs = new ArrayList<>();
        int stages;
        try (PipelineExecutor executor = pipeline.open(blocks, BLOCK_SIZE)) {
            stages = executor.numStages();
            ControllerTimes controller = new ControllerTimes();
            for (Probe p : probes) {
                run(executor, p, 1, 1, controller); // warm-up: kernels and the probe's memory
            }
            for (Probe p : probes) {
                int inFlight = executor.maxInFlight();
                Set<Long> busy = run(executor, p, grid.repeats() + inFlight - 1, inFlight, controller);
                Set<Long> alone = run(executor, p, grid.repeats(), 1, controller);
                List<Span> spans = executor.timeline().spans();
                for (int s = 0; s < stages; s++) {
                    timings.add(new StageTiming(s, p.phase(), p.tokens(), p.sampled(), p.pairs(),
                            medianMs(spans, s, busy), medianMs(spans, s, alone)));
                }
                for (int s = 0; s <= stages && p.phase() == Phase.PREFILL; s++) {
                    handoffs.add(new HandoffTiming(s, p.tokens(), medianHandoffMs(spans, s, stages, alone, controller)));
                }
            }
        }
        Map<String, String> recorded = new LinkedHashMap<>(setup);
        recorded.put(StageProfile.MAX_MODEL_LEN, String.valueOf(maxLen));
        recorded.put("block_size", String.valueOf(BLOCK_SIZE));
        recorded.put("repeats", String.valueOf(grid.repeats()));
        return new StageProfile(recorded, stages, timings, handoffs);
    }

    /**
     * Launches {@code copies} copies of the probe, at most {@code concurrent} in flight; returns their
     * batch ids and notes in {@code controller} when each was launched and its result came back.
     */
    private Set<Long> run(PipelineExecutor executor, Probe probe, int copies, int concurrent, ControllerTimes controller) {
        Set<Long> ids = new HashSet<>();
        int submitted = 0;
        int done = 0;
        while (done < copies) {
            while (submitted < copies && submitted - done < concurrent && executor.hasFreeSlot()) {
                StepBatch batch = new StepBatch(nextBatchId++, probe.phase(), probe.seqs(), 0);
                ids.add(batch.id());
                controller.submitted().put(batch.id(), executor.clock().nanos());
                executor.submit(batch);
                submitted++;
            }
            StepResult result = executor.next(Long.MAX_VALUE).orElseThrow();
            if (result.failed()) {
                throw new IllegalStateException("profiling batch " + result.batch().id() + " failed: " + result.error());
            }
            controller.completed().put(result.batch().id(), executor.clock().nanos());
            done++;
        }
        return ids;
    }

    private static double medianMs(List<Span> spans, int stage, Set<Long> ids) {
        double[] ms = spans.stream().filter(s -> s.stage() == stage && ids.contains(s.batchId()))
                .mapToDouble(s -> s.durationNanos() / 1e6).sorted().toArray();
        return Math.max(ms[ms.length / 2], 1e-3);
    }

    /** When the controller launched each probe batch and when it held its result. */
    private record ControllerTimes(Map<Long, Long> submitted, Map<Long, Long> completed) {
        ControllerTimes() {
            this(new HashMap<>(), new HashMap<>());
        }
    }

    /** Median over the batches {@code ids} of their hand-off to {@code toStage} (the controller when it is {@code stages}). */
    private static double medianHandoffMs(List<Span> spans, int toStage, int stages, Set<Long> ids, ControllerTimes controller) {
        Map<Long, Long> departures = toStage == 0 ? controller.submitted() : spanTimes(spans, toStage - 1, ids, Span::endNanos);
        Map<Long, Long> arrivals = toStage == stages ? controller.completed() : spanTimes(spans, toStage, ids, Span::startNanos);
        double[] ms = ids.stream().mapToDouble(id -> Math.max(0, arrivals.get(id) - departures.get(id)) / 1e6).sorted().toArray();
        return ms[ms.length / 2];
    }

    private static Map<Long, Long> spanTimes(List<Span> spans, int stage, Set<Long> ids, ToLongFunction<Span> time) {
        Map<Long, Long> times = new HashMap<>();
        for (Span s : spans) {
            if (s.stage() == stage && ids.contains(s.batchId())) {
                times.put(s.batchId(), time.applyAsLong(s));
            }
        }
        return times;
    }

    /**
     * A probe batch with the load the cost model sees: sequences of {@code lengths} tokens, fed whole
     * (prefill) or only their last token (decode).
     */
    private record Probe(Phase phase, List<Integer> lengths, int tokens, int sampled, long pairs, int blocks) {
        /** Fresh requests for one launch, their blocks allocated from an empty cache. */
        List<ScheduledSeq> seqs() {
            BlockManager blockManager = new BlockManager(blocks, BLOCK_SIZE, 0);
            List<ScheduledSeq> seqs = new ArrayList<>(lengths.size());
            for (int i = 0; i < lengths.size(); i++) {
                int len = lengths.get(i);
                int[] prompt = new int[len];
                Arrays.fill(prompt, 1);
                Request r = new Request(i, "profile-" + i, prompt, SamplingParams.greedy(1), 0);
                blockManager.ensureCapacity(r, len);
                if (phase == Phase.PREFILL) {
                    seqs.add(new ScheduledSeq(r, 0, len, true));
                } else {
                    r.markRunning(0);
                    r.markComputed(len - 1);
                    seqs.add(new ScheduledSeq(r, len - 1, 1, true));
                }
            }
            return seqs;
        }
    }

    /** Prompts of {@code seqLen} tokens (the last one shorter) adding up to {@code tokens}, from an empty cache. */
    private static Probe prefill(int tokens, int seqLen) {
        List<Integer> lengths = new ArrayList<>();
        long pairs = 0;
        for (int from = 0; from < tokens; from += seqLen) {
            int len = Math.min(seqLen, tokens - from);
            lengths.add(len);
            pairs += (long) len * (len + 1) / 2;
        }
        return new Probe(Phase.PREFILL, lengths, tokens, lengths.size(), pairs, blocksOf(lengths));
    }

    /** {@code seqs} sequences each feeding its token at position {@code context − 1}. */
    private static Probe decode(int seqs, int context) {
        List<Integer> lengths = Collections.nCopies(seqs, context);
        return new Probe(Phase.DECODE, lengths, seqs, seqs, (long) seqs * context, blocksOf(lengths));
    }

    /** KV blocks that sequences of {@code lengths} tokens take. */
    private static int blocksOf(List<Integer> lengths) {
        return lengths.stream().mapToInt(len -> (len + BLOCK_SIZE - 1) / BLOCK_SIZE).sum();
    }
}
