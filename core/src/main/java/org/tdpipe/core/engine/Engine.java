package org.tdpipe.core.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tdpipe.core.exec.Clock;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.StepResult;
import org.tdpipe.core.predict.LengthPredictor;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.RequestStatus;
import org.tdpipe.core.sched.SchedulerPolicy;

/**
 * The centralized controller (DESIGN §2.1, §4): a single-threaded event loop that owns all
 * scheduling state. It admits arrivals, keeps the executor's in-flight slots filled with batches
 * chosen by the policy, and reacts to completions: appends tokens, detects finishes, frees
 * blocks (through the policy), streams outputs and feeds the length predictor. Scheduling happens
 * between completions, never on a stage's critical path.
 */
public final class Engine {
    private final PipelineExecutor executor;
    private final SchedulerPolicy policy;
    private final LengthPredictor predictor;
    private final StopChecker stopChecker;
    private final EngineListener listener;
    private final Clock clock;

    public Engine(PipelineExecutor executor, SchedulerPolicy policy, LengthPredictor predictor,
            StopChecker stopChecker, EngineListener listener) {
        this.executor = executor;
        this.policy = policy;
        this.predictor = predictor;
        this.stopChecker = stopChecker;
        this.listener = listener;
        this.clock = executor.clock();
    }

    /**
     * Runs {@code requests} to completion, each entering the engine at its arrival time, and
     * returns them all finished. Offline benchmarks give every request arrival time 0.
     */
    public RunResult run(List<Request> requests) {
        List<Request> all = List.copyOf(requests);
        List<Request> byArrival = new ArrayList<>(all);
        byArrival.sort(Request.ARRIVAL_ORDER);
        ArrayDeque<Request> pending = new ArrayDeque<>(byArrival);
        long lastFinish = 0;
        StarvationRecorder starvation = new StarvationRecorder(executor.timeline());

        while (!pending.isEmpty() || policy.numUnfinished() > 0 || executor.inFlight() > 0) {
            long now = clock.nanos();
            while (!pending.isEmpty() && pending.peekFirst().arrivalNanos() <= now) {
                admit(pending.pollFirst());
            }
            launchWhileSlotsFree(starvation);
            long deadline = pending.isEmpty() ? Long.MAX_VALUE : pending.peekFirst().arrivalNanos();
            if (executor.inFlight() == 0 && pending.isEmpty()) {
                if (policy.numUnfinished() > 0) {
                    throw new IllegalStateException("policy " + policy.name() + " holds " + policy.numUnfinished()
                            + " unfinished requests but schedules nothing with an idle pipeline: " + policy.stats());
                }
                break;
            }
            Optional<StepResult> done = executor.next(deadline);
            if (done.isPresent()) {
                lastFinish = Math.max(lastFinish, complete(done.get()));
            }
        }
        for (Request r : all) {
            if (!r.isFinished()) {
                throw new IllegalStateException("engine stopped with an unfinished request: " + r);
            }
        }
        long end = Math.max(lastFinish, 1);
        return new RunResult(policy.name(), all, end, policy.stats(), executor.timeline(),
                executor.timeline().stats(0, end));
    }

    private void admit(Request request) {
        request.setPredictedOutputLength(predictor.predictOutputLength(request));
        policy.add(request);
    }

    private void launchWhileSlotsFree(StarvationRecorder starvation) {
        while (executor.hasFreeSlot()) {
            long now = clock.nanos();
            Optional<StepBatch> batch = policy.schedule(now, this::finish);
            if (batch.isEmpty()) {
                starvation.nothingLaunched(now, policy.stats().waiting());
                return;
            }
            starvation.launched(batch.get().id(), now);
            executor.submit(batch.get());
        }
    }

    /** Applies a completed batch; returns the time of the last finish it caused (0 if none). */
    private long complete(StepResult result) {
        long now = clock.nanos();
        StepBatch batch = result.batch();
        List<Request> finished = new ArrayList<>();
        for (int i = 0; i < batch.seqs().size(); i++) {
            ScheduledSeq seq = batch.seqs().get(i);
            Request r = seq.request();
            if (result.failed()) {
                r.markFinished(FinishReason.ERROR, result.error(), now);
                finished.add(r);
                continue;
            }
            r.markComputed(seq.numTokens());
            if (!seq.samples()) {
                continue;
            }
            int token = result.tokens()[i];
            r.appendToken(token, now);
            FinishReason reason = listener.onToken(r, token) ? stopChecker.check(r, token) : FinishReason.STOP;
            if (reason != null) {
                r.markFinished(reason, now);
                finished.add(r);
            }
        }
        policy.onBatchComplete(batch);
        for (Request r : finished) {
            finish(r);
        }
        return finished.isEmpty() ? 0 : now;
    }

    /** Called for requests finished by the engine or (IGNORED) by the policy. */
    private void finish(Request request) {
        if (request.status() != RequestStatus.FINISHED) {
            throw new IllegalStateException("not finished: " + request);
        }
        predictor.observe(request);
        listener.onFinished(request);
    }
}
