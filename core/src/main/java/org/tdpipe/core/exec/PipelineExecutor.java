package org.tdpipe.core.exec;

import java.util.Optional;
import org.tdpipe.core.timeline.Timeline;

/**
 * The seam between the control plane and an execution plane of P pipeline stages (DESIGN §4). The
 * engine submits batch metadata and reacts to completions; it never waits on a stage directly.
 * Implementations: the simulated GPU cluster, in-process stage threads, remote workers.
 */
public interface PipelineExecutor extends AutoCloseable {
    int numStages();

    /** Most batches that may be in flight at once (P for a pipeline, 1 for tensor parallelism). */
    int maxInFlight();

    int inFlight();

    default boolean hasFreeSlot() {
        return inFlight() < maxInFlight();
    }

    /** Launches a batch; returns at once. Requires {@link #hasFreeSlot()}. */
    void submit(StepBatch batch);

    /**
     * The next completed batch, waiting until {@code deadlineNanos} on {@link #clock()} at most
     * ({@code Long.MAX_VALUE}: until one completes). Empty when nothing completed by the deadline.
     * With nothing in flight it waits until the deadline (a simulator advances its virtual clock
     * there) and returns empty. Batches complete in launch order.
     */
    Optional<StepResult> next(long deadlineNanos);

    Clock clock();

    /** Per-stage spans of everything executed so far. */
    Timeline timeline();

    @Override
    default void close() {
    }
}
