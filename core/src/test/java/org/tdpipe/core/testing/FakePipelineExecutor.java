package org.tdpipe.core.testing;

import java.util.Optional;
import org.tdpipe.core.exec.Clock;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.StepResult;
import org.tdpipe.core.exec.VirtualFifoPipeline;
import org.tdpipe.core.timeline.Timeline;

/**
 * A deterministic P-stage pipeline on virtual time for control-plane tests: each stage takes
 * {@code fixedNanos + perTokenNanos × tokens}, stages are FIFO, and the "model" is a pure function
 * of the tokens fed so far, so a request's output depends only on its own prompt — as greedy
 * decoding of a real model — whatever the batching, policy or preemptions.
 */
public final class FakePipelineExecutor implements PipelineExecutor {
    private final int numStages;
    private final int maxInFlight;
    private final long fixedNanos;
    private final long perTokenNanos;
    private final VirtualFifoPipeline pipeline;

    public FakePipelineExecutor(int numStages, long fixedNanos, long perTokenNanos) {
        this(numStages, numStages, fixedNanos, perTokenNanos);
    }

    public FakePipelineExecutor(int numStages, int maxInFlight, long fixedNanos, long perTokenNanos) {
        this.numStages = numStages;
        this.maxInFlight = maxInFlight;
        this.fixedNanos = fixedNanos;
        this.perTokenNanos = perTokenNanos;
        this.pipeline = new VirtualFifoPipeline(numStages);
    }

    /** The token a deterministic "model" emits after the given context. */
    public static int nextToken(int[] context) {
        long h = 0x9E3779B97F4A7C15L;
        for (int t : context) {
            h = (h ^ t) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
        }
        return (int) Math.floorMod(h, 500L) + 3;
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
        return pipeline.inFlight();
    }

    @Override
    public void submit(StepBatch batch) {
        if (!hasFreeSlot()) {
            throw new IllegalStateException("no free slot: " + pipeline.inFlight() + " in flight");
        }
        long cost = fixedNanos + perTokenNanos * batch.numTokens();
        pipeline.launch(batch, batch.numTokens(), stage -> cost, 0, 0);
    }

    @Override
    public Optional<StepResult> next(long deadlineNanos) {
        return pipeline.nextDone(deadlineNanos).map(FakePipelineExecutor::modelOutput);
    }

    private static StepResult modelOutput(StepBatch batch) {
        int[] tokens = new int[batch.seqs().size()];
        for (int i = 0; i < tokens.length; i++) {
            ScheduledSeq seq = batch.seqs().get(i);
            tokens[i] = seq.samples() ? nextToken(seq.request().tokens(0, seq.start() + seq.numTokens())) : StepResult.NO_TOKEN;
        }
        return StepResult.ok(batch, tokens);
    }

    @Override
    public Clock clock() {
        return pipeline.clock();
    }

    @Override
    public Timeline timeline() {
        return pipeline.timeline();
    }
}
