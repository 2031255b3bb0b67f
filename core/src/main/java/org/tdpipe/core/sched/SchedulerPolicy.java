package org.tdpipe.core.sched;

import java.util.Optional;
import java.util.function.Consumer;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.request.Request;

/**
 * Decides which batch to launch next (DESIGN §2, §3). A policy owns the queues and the KV block
 * accounting of the requests it holds; the engine owns everything else about a request (its
 * tokens, finishing, outputs). All calls come from the engine thread.
 */
public interface SchedulerPolicy {
    String name();

    /** A new request (WAITING) enters the policy's queues. */
    void add(Request request);

    /**
     * The next batch to launch now, or empty when nothing should launch until a batch completes or
     * a request arrives. Every request in the returned batch has been marked RUNNING, with blocks
     * for the tokens it feeds. Requests the policy can never run are finished here as IGNORED,
     * dropped from the policy and handed to {@code onIgnored}.
     */
    Optional<StepBatch> schedule(long nowNanos, Consumer<Request> onIgnored);

    /**
     * A launched batch came back and the engine has appended its tokens. Requests that finished
     * (status FINISHED) leave the policy and their blocks are freed; the others become READY.
     */
    void onBatchComplete(StepBatch batch);

    /**
     * The pipeline lost the KV cache of {@code request} (a worker died and comes back empty): it is
     * preempted by recompute, as when memory runs out. Its blocks are freed and it waits, ahead of
     * requests that never started, to be prefilled again with its prompt and the tokens it has.
     * {@code request} is READY: its last batch is back.
     *
     * @throws IllegalArgumentException when the policy holds no such ready request
     */
    void recompute(Request request);

    /** Removes a WAITING or READY request (client abort); it is already marked FINISHED. */
    void remove(Request request);

    /** Requests held by the policy: waiting, in flight or ready. */
    int numUnfinished();

    SchedulerStats stats();
}
