package org.tdpipe.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.StepResult;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.LayerRange;
import org.tdpipe.model.step.StepInput;

/**
 * P {@link StageWorker}s as threads of this JVM, chained by {@link InProcessLink}s, with up to P
 * batches in flight (DESIGN §4); one stage is the case P = 1. {@link #submit} hands the step to
 * every stage and returns; the last stage's reports arrive on a completion queue that {@link #next}
 * waits on.
 *
 * <p>A batch that fails in a stage completes as {@link StepResult#failed}; the pipeline goes on
 * with the others. When a worker dies or holds a batch past its {@link BatchDeadline}, every batch
 * in flight and every later one fails with the reason, so no request is left waiting (a stage
 * thread cannot come back: the pipeline shuts down). Must be used from one controller thread.
 */
public final class LocalExecutor extends AsyncPipelineExecutor<WorkerReport> {
    private final List<StageWorker> workers;

    /**
     * Starts one worker per computation, in pipeline order.
     *
     * @param deadline how long a batch may be owed before the pipeline is declared stuck
     */
    public LocalExecutor(List<? extends StageComputation> stages, BatchDeadline deadline) {
        super(stages.size(), deadline, WorkerFailurePolicy.SHUTDOWN);
        int p = stages.size();
        List<StageWorker> list = new ArrayList<>(p);
        InProcessLink previous = null;
        for (int s = 0; s < p; s++) {
            InProcessLink next = s < p - 1 ? new InProcessLink(p) : null;
            list.add(new StageWorker(s, stages.get(s), Optional.ofNullable(previous), Optional.ofNullable(next),
                    this::post, timeline(), clock()));
            previous = next;
        }
        this.workers = List.copyOf(list);
        workers.forEach(StageWorker::start);
    }

    /** Loads one {@link LlamaStageComputation} per range of {@code ranges} and starts the pipeline. */
    public static LocalExecutor open(ModelSource source, List<LayerRange> ranges, StageResources resources,
            BatchDeadline deadline) {
        return open(source, ranges, resources, 1, deadline);
    }

    /** As {@link #open(ModelSource, List, StageResources, BatchDeadline)}, each stage split over {@code tensorParallel} ranks. */
    public static LocalExecutor open(ModelSource source, List<LayerRange> ranges, StageResources resources,
            int tensorParallel, BatchDeadline deadline) {
        return new LocalExecutor(LlamaStageComputation.loadAll(source, ranges, resources, tensorParallel), deadline);
    }

    @Override
    protected void dispatch(StepInput step) {
        for (StageWorker w : workers) {
            w.accept(step);
        }
    }

    @Override
    protected StepResult complete(StepBatch head, WorkerReport report) {
        return switch (report) {
            case WorkerReport.BatchDone done -> {
                requireHead(head, done.batchId());
                yield StepResult.ok(head, done.output().sampled(), done.output().promptLogprobs());
            }
            case WorkerReport.BatchFailed failed -> {
                requireHead(head, failed.batchId());
                yield StepResult.failed(head, failed.error());
            }
            case WorkerReport.WorkerDied died -> breakDown(head, "stage " + died.stage() + " stopped: " + died.reason());
        };
    }

    @Override
    protected String whereIs(StepBatch batch) {
        for (int s = 0; s < workers.size(); s++) {
            StageWorker w = workers.get(s);
            if (w.lastDone() < batch.id()) {
                return "stage " + s + " (layers " + w.range().from() + ".." + (w.range().to() - 1) + ") has not finished it";
            }
        }
        return "every stage finished it, but its result never reached the controller";
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
