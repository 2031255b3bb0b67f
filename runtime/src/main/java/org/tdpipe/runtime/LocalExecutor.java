package org.tdpipe.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.tdpipe.core.exec.Clock;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.StepResult;
import org.tdpipe.core.exec.WallClock;
import org.tdpipe.core.timeline.Timeline;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.LayerRange;
import org.tdpipe.model.llama.StepOutput;

/**
 * P {@link StageWorker}s as threads of this JVM, chained by {@link InProcessLink}s, with up to P
 * batches in flight (DESIGN §4). {@link #submit} hands the batch's metadata to every stage and
 * returns; the last stage's reports arrive on a completion queue that {@link #next} waits on.
 *
 * <p>A batch that fails in a stage completes as {@link StepResult#failed}; the pipeline goes on
 * with the others. When a worker dies, every batch in flight and every later one fails with the
 * reason, so no request is left waiting. Must be used from one controller thread.
 */
public final class LocalExecutor implements PipelineExecutor {
    private final Clock clock = new WallClock();
    private final Timeline timeline;
    private final List<StageWorker> workers;
    private final BlockingQueue<WorkerReport> reports = new LinkedBlockingQueue<>();
    /** Launched batches not yet returned by {@link #next}, in launch order (= completion order). */
    private final ArrayDeque<StepBatch> inFlight = new ArrayDeque<>();
    private final Consumer<StepOutput> onOutput;
    private String brokenReason;

    /**
     * Starts one worker per computation, in pipeline order.
     *
     * @param onOutput sees every completed batch's samples (with log-probabilities) on the
     *     controller thread, before the engine does
     */
    public LocalExecutor(List<? extends StageComputation> stages, Consumer<StepOutput> onOutput) {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("a pipeline needs at least one stage");
        }
        this.onOutput = onOutput;
        this.timeline = new Timeline(stages.size());
        int p = stages.size();
        List<StageWorker> list = new ArrayList<>(p);
        InProcessLink previous = null;
        for (int s = 0; s < p; s++) {
            InProcessLink next = s < p - 1 ? new InProcessLink(p) : null;
            list.add(new StageWorker(s, stages.get(s), Optional.ofNullable(previous), Optional.ofNullable(next),
                    reports::add, timeline, clock));
            previous = next;
        }
        this.workers = List.copyOf(list);
        workers.forEach(StageWorker::start);
    }

    /** Loads one {@link LlamaStageComputation} per range of {@code ranges} and starts the pipeline. */
    public static LocalExecutor open(ModelSource source, List<LayerRange> ranges, StageResources resources,
            Consumer<StepOutput> onOutput) {
        return new LocalExecutor(LlamaStageComputation.loadAll(source, ranges, resources), onOutput);
    }

    @Override
    public int numStages() {
        return workers.size();
    }

    @Override
    public int maxInFlight() {
        return workers.size();
    }

    @Override
    public int inFlight() {
        return inFlight.size();
    }

    @Override
    public void submit(StepBatch batch) {
        if (!hasFreeSlot()) {
            throw new IllegalStateException("no free slot for batch " + batch.id() + ": " + inFlight.size()
                    + " batches in flight on " + workers.size() + " stages");
        }
        inFlight.addLast(batch);
        if (brokenReason == null) {
            for (StageWorker w : workers) {
                w.accept(batch);
            }
        }
    }

    @Override
    public Optional<StepResult> next(long deadlineNanos) {
        if (inFlight.isEmpty()) {
            if (deadlineNanos == Long.MAX_VALUE) {
                throw new IllegalStateException("nothing in flight: waiting for a completion without a deadline would never end");
            }
            sleepUntil(deadlineNanos);
            return Optional.empty();
        }
        if (brokenReason != null) {
            return Optional.of(StepResult.failed(inFlight.pollFirst(), brokenReason));
        }
        WorkerReport report = awaitReport(deadlineNanos);
        if (report == null) {
            return Optional.empty();
        }
        StepBatch head = inFlight.pollFirst();
        return Optional.of(switch (report) {
            case WorkerReport.BatchDone done -> {
                requireHead(head, done.output().batch().id());
                onOutput.accept(done.output());
                yield StepResult.ok(head, done.output().tokens());
            }
            case WorkerReport.BatchFailed failed -> {
                requireHead(head, failed.batchId());
                yield StepResult.failed(head, failed.error());
            }
            case WorkerReport.WorkerDied died -> {
                brokenReason = "stage " + died.stage() + " stopped: " + died.reason();
                yield StepResult.failed(head, brokenReason);
            }
        });
    }

    private WorkerReport awaitReport(long deadlineNanos) {
        try {
            if (deadlineNanos == Long.MAX_VALUE) {
                return reports.take();
            }
            return reports.poll(Math.max(0, deadlineNanos - clock.nanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for batch " + inFlight.peekFirst().id(), e);
        }
    }

    private static void requireHead(StepBatch head, long completedId) {
        if (head.id() != completedId) {
            throw new IllegalStateException("batch " + completedId + " completed before batch " + head.id()
                    + ", which was launched first");
        }
    }

    private void sleepUntil(long deadlineNanos) {
        long wait;
        while ((wait = deadlineNanos - clock.nanos()) > 0 && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(wait);
        }
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Timeline timeline() {
        return timeline;
    }

    /** The stages' layer ranges, in pipeline order. */
    public List<LayerRange> ranges() {
        return workers.stream().map(StageWorker::range).toList();
    }

    /** Stops every worker thread and releases the stages' kernel threads. */
    @Override
    public void close() {
        workers.forEach(StageWorker::close);
    }
}
