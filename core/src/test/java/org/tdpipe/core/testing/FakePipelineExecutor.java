package org.tdpipe.core.testing;

import java.util.ArrayList;
import java.util.List;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.StepResult;
import org.tdpipe.core.exec.VirtualPipelineExecutor;

/**
 * A deterministic P-stage pipeline on virtual time for control-plane tests: each stage takes
 * {@code fixedNanos + perTokenNanos × tokens}, stages are FIFO, and the "model" is a pure function
 * of the tokens fed so far, so a request's output depends only on its own prompt — as greedy
 * decoding of a real model — whatever the batching, policy or preemptions.
 */
public final class FakePipelineExecutor extends VirtualPipelineExecutor {
    private final long fixedNanos;
    private final long perTokenNanos;

    public FakePipelineExecutor(int numStages, long fixedNanos, long perTokenNanos) {
        this(numStages, numStages, fixedNanos, perTokenNanos);
    }

    public FakePipelineExecutor(int numStages, int maxInFlight, long fixedNanos, long perTokenNanos) {
        super(numStages, maxInFlight);
        this.fixedNanos = fixedNanos;
        this.perTokenNanos = perTokenNanos;
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
    public void submit(StepBatch batch) {
        long cost = fixedNanos + perTokenNanos * batch.numTokens();
        launch(batch, batch.numTokens(), stage -> cost, 0, 0, 0);
    }

    @Override
    protected StepResult complete(StepBatch batch) {
        List<SampledToken> sampled = new ArrayList<>();
        for (ScheduledSeq seq : batch.seqs()) {
            if (seq.samples()) {
                sampled.add(SampledToken.withoutLogprobs(nextToken(seq.request().tokens(0, seq.start() + seq.numTokens()))));
            }
        }
        return StepResult.ok(batch, sampled);
    }
}
