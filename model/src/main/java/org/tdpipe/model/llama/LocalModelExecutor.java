package org.tdpipe.model.llama;

import java.util.ArrayDeque;
import java.util.Optional;
import java.util.function.Consumer;
import org.tdpipe.core.exec.Clock;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.StepResult;
import org.tdpipe.core.exec.WallClock;
import org.tdpipe.core.timeline.Span;
import org.tdpipe.core.timeline.Timeline;

/**
 * The simplest real execution plane: one batch at a time, executed synchronously on the calling
 * thread when it is submitted (every stage in turn, each span recorded on the wall clock), its
 * result handed back by the next {@link #next}. A failing batch fails alone, with the error message.
 */
public final class LocalModelExecutor implements PipelineExecutor {
    private final LocalModelRunner runner;
    private final Clock clock = new WallClock();
    private final Timeline timeline;
    private final ArrayDeque<StepResult> done = new ArrayDeque<>();
    private final Consumer<StepOutput> onOutput;

    /** {@code onOutput} sees every completed batch's samples (with log-probabilities) before the engine does. */
    public LocalModelExecutor(LocalModelRunner runner, Consumer<StepOutput> onOutput) {
        this.runner = runner;
        this.onOutput = onOutput;
        this.timeline = new Timeline(runner.numStages());
    }

    public LocalModelExecutor(LocalModelRunner runner) {
        this(runner, out -> { });
    }

    @Override
    public int numStages() {
        return runner.numStages();
    }

    @Override
    public int maxInFlight() {
        return 1;
    }

    @Override
    public int inFlight() {
        return done.size();
    }

    @Override
    public void submit(StepBatch batch) {
        if (!hasFreeSlot()) {
            throw new IllegalStateException("no free slot: batch " + done.peekFirst().batch().id() + " not collected yet");
        }
        try {
            BatchLayout layout = runner.layout(batch);
            HiddenStates h = null;
            for (int s = 0; s < runner.numStages(); s++) {
                long start = clock.nanos();
                h = runner.runStage(s, layout, h);
                StepOutput out = null;
                if (s == runner.numStages() - 1) {
                    out = runner.sample(layout, runner.logits(layout, h));
                }
                timeline.record(new Span(s, batch.id(), batch.phase(), batch.seqs().size(), batch.numTokens(), start, clock.nanos()));
                if (out != null) {
                    onOutput.accept(out);
                    done.addLast(StepResult.ok(batch, out.tokens()));
                }
            }
        } catch (IllegalArgumentException e) {
            done.addLast(StepResult.failed(batch, e.getMessage()));
        }
    }

    /** Batches complete at submission, so this only waits (until a finite deadline) when none is pending. */
    @Override
    public Optional<StepResult> next(long deadlineNanos) {
        if (done.isEmpty() && deadlineNanos != Long.MAX_VALUE) {
            long wait = deadlineNanos - clock.nanos();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
        }
        return Optional.ofNullable(done.pollFirst());
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Timeline timeline() {
        return timeline;
    }

    @Override
    public void close() {
        runner.close();
    }
}
