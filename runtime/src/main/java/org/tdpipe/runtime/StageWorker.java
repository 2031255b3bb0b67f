package org.tdpipe.runtime;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.tdpipe.core.exec.Clock;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.timeline.Span;
import org.tdpipe.core.timeline.Timeline;
import org.tdpipe.model.llama.HiddenStates;
import org.tdpipe.model.llama.LayerRange;
import org.tdpipe.model.step.BatchLayout;
import org.tdpipe.model.step.StepInput;

/**
 * One pipeline stage on its own thread. The controller {@link #accept}s each step at launch; the
 * worker prepares it at once, then waits for the previous stage's activations
 * (the first stage needs none), runs its layers and sends the result on — to the next stage, or,
 * on the last stage, as sampled tokens to the controller. Batches are processed in the order they
 * were accepted, and the activations arriving must be those of that batch.
 *
 * <p>An exception while preparing or computing a batch fails that batch only: its failure travels
 * down the pipeline in its place and the worker goes on with the next. Anything else that stops
 * the worker (an {@link Error}, activations of the wrong batch) is reported as
 * {@link WorkerReport.WorkerDied}.
 */
public final class StageWorker implements AutoCloseable {
    private static final long JOIN_POLL_MILLIS = 50;
    /** How long {@link #close} waits for a thread stuck in a computation that ignores interrupts. */
    private static final long STOP_WAIT_MILLIS = 5_000;

    private final int stage;
    private final StageComputation computation;
    private final Optional<ActivationSource> inbound;
    private final Optional<ActivationSink> outbound;
    private final ReportSink reports;
    private final Timeline timeline;
    private final Clock clock;
    private final BlockingQueue<StepInput> steps = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile long lastDone = Long.MIN_VALUE;

    /**
     * @param inbound the link from the previous stage; empty on the first stage
     * @param outbound the link to the next stage; empty on the last stage, which reports to {@code reports}
     */
    public StageWorker(int stage, StageComputation computation, Optional<ActivationSource> inbound,
            Optional<ActivationSink> outbound, ReportSink reports, Timeline timeline, Clock clock) {
        if (inbound.isPresent() == computation.range().isFirst()) {
            throw new IllegalArgumentException("stage " + stage + " " + computation.range()
                    + ": exactly the stages after the first receive activations");
        }
        if (outbound.isPresent() == computation.range().isLast()) {
            throw new IllegalArgumentException("stage " + stage + " " + computation.range()
                    + ": exactly the stages before the last send activations");
        }
        this.stage = stage;
        this.computation = computation;
        this.inbound = inbound;
        this.outbound = outbound;
        this.reports = reports;
        this.timeline = timeline;
        this.clock = clock;
        this.thread = Thread.ofPlatform().name("tdpipe-stage-" + stage).daemon().unstarted(this::run);
    }

    public LayerRange range() {
        return computation.range();
    }

    public void start() {
        thread.start();
    }

    /** The id of the last batch this stage finished (computed or passed on as failed); {@code Long.MIN_VALUE} before the first. */
    public long lastDone() {
        return lastDone;
    }

    /** Hands the worker a launched step; returns at once. */
    public void accept(StepInput step) {
        steps.add(step);
    }

    private void run() {
        try {
            while (true) {
                process(steps.take());
            }
        } catch (InterruptedException e) {
            // closed
        } catch (RuntimeException | Error e) {
            reports.report(new WorkerReport.WorkerDied(stage, describe(e)));
        }
    }

    private void process(StepInput step) throws InterruptedException {
        long batchId = step.batchId();
        String error = null;
        BatchLayout layout = null;
        try {
            layout = computation.prepare(step);
        } catch (RuntimeException e) {
            error = failure(e);
        }
        HiddenStates input = null;
        if (inbound.isPresent()) {
            StageMessage message = inbound.get().receive();
            if (message.batchId() != batchId) {
                throw new IllegalStateException("stage " + stage + " expected the activations of batch " + batchId
                        + " but received those of batch " + message.batchId());
            }
            switch (message) {
                case StageMessage.Failure f -> error = f.error();
                case StageMessage.Activations a -> input = a.hidden();
            }
        }
        HiddenStates output = null;
        LastStageOutput sampled = null;
        if (error == null) {
            long start = clock.nanos();
            try {
                output = computation.forward(layout, input);
                if (outbound.isEmpty()) {
                    sampled = computation.sample(layout, output);
                }
            } catch (RuntimeException e) {
                error = failure(e);
            }
            timeline.record(new Span(stage, batchId, step.phase(), step.seqs().size(), step.numTokens(), start, clock.nanos()));
        }
        if (outbound.isPresent()) {
            outbound.get().send(error == null
                    ? new StageMessage.Activations(batchId, output)
                    : new StageMessage.Failure(batchId, error));
        } else {
            reports.report(error == null
                    ? new WorkerReport.BatchDone(batchId, sampled)
                    : new WorkerReport.BatchFailed(batchId, error));
        }
        lastDone = batchId;
    }

    private String failure(RuntimeException e) {
        return "stage " + stage + " " + describeRange() + ": " + describe(e);
    }

    private String describeRange() {
        return "(layers " + computation.range().from() + ".." + (computation.range().to() - 1) + ")";
    }

    private static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /**
     * Stops the thread (after the batch it is computing, if any) and releases the stage's kernel
     * threads. A thread stuck in a computation that ignores interrupts is left behind (it is a
     * daemon) after {@value #STOP_WAIT_MILLIS} ms, so closing never hangs.
     */
    @Override
    public void close() {
        long giveUp = System.nanoTime() + STOP_WAIT_MILLIS * 1_000_000;
        try {
            // interrupt again until it is gone: a kernel may swallow the interrupt of a batch in progress
            while (thread.isAlive() && System.nanoTime() < giveUp) {
                thread.interrupt();
                thread.join(JOIN_POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            computation.close();
        }
    }
}
