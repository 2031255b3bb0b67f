package org.tdpipe.sim;

import java.util.ArrayDeque;
import java.util.Optional;
import org.tdpipe.core.exec.Clock;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.StepResult;
import org.tdpipe.core.exec.VirtualClock;
import org.tdpipe.core.timeline.Span;
import org.tdpipe.core.timeline.Timeline;
import org.tdpipe.sim.cost.ActivationTransfer;
import org.tdpipe.sim.cost.BatchLoad;
import org.tdpipe.sim.cost.StageCostModel;

/**
 * A simulated GPU pipeline on virtual time (DESIGN §4). Each stage is a FIFO server: a batch
 * enters stage 0 at {@code max(now, stage 0 free)} and stage k+1 at
 * {@code max(end on k + activation transfer, stage k+1 free)}; it completes after the last stage
 * plus a return overhead (sampled tokens travelling back to the controller). Because every stage
 * serves batches in launch order, a batch's whole schedule is known when it is submitted, and
 * completions come out in launch order; {@link #next} only moves the clock. No randomness: the
 * same batches give the same spans.
 *
 * <p>The simulator runs with {@code ignore_eos}: every sampling sequence gets token {@link #SAMPLED_TOKEN}.
 */
public final class SimulatedExecutor implements PipelineExecutor {
    /** The token id every sampling sequence receives. */
    public static final int SAMPLED_TOKEN = 0;

    private final int numStages;
    private final int maxInFlight;
    private final StageCostModel cost;
    private final ActivationTransfer transfer;
    private final long returnNanos;
    private final VirtualClock clock = new VirtualClock();
    private final Timeline timeline;
    private final long[] stageFreeAt;
    private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();

    private record Pending(StepBatch batch, long doneAt) {
    }

    /**
     * @param numStages pipeline stages P (1 for tensor parallelism: one logical stage)
     * @param maxInFlight batches in flight at most (P for a pipeline, 1 for tensor parallelism)
     * @param cost per-stage execution time
     * @param transfer activation hand-off between consecutive stages
     * @param returnNanos from the end of the last stage to the controller receiving the tokens
     */
    public SimulatedExecutor(int numStages, int maxInFlight, StageCostModel cost, ActivationTransfer transfer,
            long returnNanos) {
        if (numStages < 1) {
            throw new IllegalArgumentException("number of stages must be >= 1, got " + numStages);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("max batches in flight must be >= 1, got " + maxInFlight);
        }
        if (returnNanos < 0) {
            throw new IllegalArgumentException("return overhead must be >= 0 ns, got " + returnNanos);
        }
        this.numStages = numStages;
        this.maxInFlight = maxInFlight;
        this.cost = cost;
        this.transfer = transfer;
        this.returnNanos = returnNanos;
        this.timeline = new Timeline(numStages);
        this.stageFreeAt = new long[numStages];
    }

    @Override
    public int numStages() {
        return numStages;
    }

    @Override
    public int maxInFlight() {
        return maxInFlight;
    }

    @Override
    public int inFlight() {
        return inFlight.size();
    }

    @Override
    public void submit(StepBatch batch) {
        if (!hasFreeSlot()) {
            throw new IllegalStateException("no free slot for batch " + batch.id() + ": " + inFlight.size()
                    + " of " + maxInFlight + " in flight");
        }
        BatchLoad load = BatchLoad.of(batch);
        long hop = numStages > 1 ? transfer.nanos(load.numTokens()) : 0;
        long ready = clock.nanos();
        for (int s = 0; s < numStages; s++) {
            long start = Math.max(ready, stageFreeAt[s]);
            long duration = cost.stageNanos(load, s, numStages);
            if (duration < 0) {
                throw new IllegalStateException("cost model gave a negative time " + duration + " ns for batch "
                        + batch.id() + " on stage " + s);
            }
            long end = start + duration;
            timeline.record(new Span(s, batch.id(), batch.phase(), batch.seqs().size(), load.numTokens(), start, end));
            stageFreeAt[s] = end;
            ready = end + (s < numStages - 1 ? hop : returnNanos);
        }
        inFlight.addLast(new Pending(batch, ready));
    }

    @Override
    public Optional<StepResult> next(long deadlineNanos) {
        Pending head = inFlight.peekFirst();
        if (head == null || head.doneAt() > deadlineNanos) {
            if (deadlineNanos != Long.MAX_VALUE) {
                clock.advanceTo(Math.max(clock.nanos(), deadlineNanos));
            }
            return Optional.empty();
        }
        inFlight.pollFirst();
        clock.advanceTo(Math.max(clock.nanos(), head.doneAt()));
        StepBatch batch = head.batch();
        int[] tokens = new int[batch.seqs().size()];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = batch.seqs().get(i).samples() ? SAMPLED_TOKEN : StepResult.NO_TOKEN;
        }
        return Optional.of(StepResult.ok(batch, tokens));
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Timeline timeline() {
        return timeline;
    }
}
