package org.tdpipe.core.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.tdpipe.core.exec.Clock;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.exec.PromptLogprobs;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.StepResult;
import org.tdpipe.core.predict.LengthPredictor;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.RequestStatus;
import org.tdpipe.core.sched.SchedulerPolicy;

/**
 * The controller's step machinery, shared by the offline {@link Engine} and the {@link OnlineEngine}:
 * admitting a request, keeping the executor's in-flight slots filled with the policy's batches,
 * applying a completed batch (tokens, finishes, freeing blocks through the policy) and aborting.
 * Not thread-safe: everything runs on one controller thread.
 */
final class EngineSteps {
    private final PipelineExecutor executor;
    private final SchedulerPolicy policy;
    private final LengthPredictor predictor;
    private final StopChecker stopChecker;
    private final EngineListener listener;
    private final Consumer<StepBatch> onLaunch;
    private final Clock clock;
    private final StarvationRecorder starvation;
    private long lastFinishNanos;
    /** RUNNING requests aborted while their batch is in flight: finished as ABORT when it returns. */
    private final Set<Request> abortOnReturn = new HashSet<>();

    /** {@code onLaunch} sees every batch just before it is submitted to the executor. */
    EngineSteps(PipelineExecutor executor, SchedulerPolicy policy, LengthPredictor predictor, StopChecker stopChecker,
            EngineListener listener, Consumer<StepBatch> onLaunch) {
        this.executor = executor;
        this.policy = policy;
        this.predictor = predictor;
        this.stopChecker = stopChecker;
        this.listener = listener;
        this.onLaunch = onLaunch;
        this.clock = executor.clock();
        this.starvation = new StarvationRecorder(executor.timeline());
    }

    /** True while the policy holds requests or batches are in flight. */
    boolean busy() {
        return policy.numUnfinished() > 0 || executor.inFlight() > 0;
    }

    void admit(Request request) {
        request.setPredictedOutputLength(predictor.predictOutputLength(request));
        policy.add(request);
    }

    void launchWhileSlotsFree() {
        while (executor.hasFreeSlot()) {
            long now = clock.nanos();
            Optional<StepBatch> batch = policy.schedule(now, this::finish);
            if (batch.isEmpty()) {
                starvation.nothingLaunched(now, policy.stats().waiting());
                return;
            }
            starvation.launched(batch.get().id(), now);
            onLaunch.accept(batch.get());
            executor.submit(batch.get());
        }
    }

    /** Fails loudly when the pipeline is idle but the policy holds requests it will never schedule. */
    void requireProgress() {
        if (executor.inFlight() == 0 && policy.numUnfinished() > 0) {
            throw new IllegalStateException("policy " + policy.name() + " holds " + policy.numUnfinished()
                    + " unfinished requests but schedules nothing with an idle pipeline: " + policy.stats());
        }
    }

    /**
     * Waits for the next completed batch until {@code deadlineNanos} and applies it; returns whether
     * a batch completed.
     */
    boolean completeNext(long deadlineNanos) {
        Optional<StepResult> done = executor.next(deadlineNanos);
        done.ifPresent(this::complete);
        return done.isPresent();
    }

    /** When the last request finished through a completed batch (0 before any). */
    long lastFinishNanos() {
        return lastFinishNanos;
    }

    /**
     * Cancels a request: a WAITING or READY one leaves the policy (and frees its blocks) at once; a
     * RUNNING one finishes as ABORT when its batch returns; a finished one stays as it is.
     */
    void abort(Request request) {
        if (request.status() == RequestStatus.RUNNING) {
            abortOnReturn.add(request);
        } else if (!request.isFinished()) {
            request.markFinished(FinishReason.ABORT, clock.nanos());
            policy.remove(request);
            finish(request);
        }
    }

    private void complete(StepResult result) {
        long now = clock.nanos();
        StepBatch batch = result.batch();
        List<Request> finished = new ArrayList<>();
        Set<Request> recompute = new HashSet<>();
        int sampled = 0;
        for (PromptLogprobs scores : result.promptLogprobs()) {
            batch.seqs().stream().map(ScheduledSeq::request).filter(r -> r.id() == scores.requestId()).findFirst()
                    .ifPresent(r -> r.recordPromptLogprobs(scores));
        }
        for (ScheduledSeq seq : batch.seqs()) {
            Request r = seq.request();
            if (abortOnReturn.remove(r)) {
                r.markFinished(FinishReason.ABORT, now);
                finished.add(r);
                continue;
            }
            if (result.recoverable()) {
                recompute.add(r);
                continue;
            }
            if (result.failed()) {
                r.markFinished(FinishReason.ERROR, result.error(), now);
                finished.add(r);
                continue;
            }
            r.markComputed(seq.numTokens());
            if (!seq.samples()) {
                continue;
            }
            SampledToken token = result.sampled().get(sampled++);
            r.appendToken(token.token(), now);
            FinishReason reason = listener.onToken(r, token) ? stopChecker.check(r, token.token()) : FinishReason.STOP;
            if (reason != null) {
                r.markFinished(reason, now);
                finished.add(r);
            }
        }
        policy.onBatchComplete(batch);
        for (Request r : result.lostWithIt()) {
            // a request in flight is settled with its own batch; one between steps would fail in its next batch, and with
            // it the requests it shares that batch with
            if (r.isFinished() || r.status() == RequestStatus.RUNNING) {
                continue;
            }
            if (result.recoverable()) {
                recompute.add(r);
            } else {
                r.markFinished(FinishReason.ERROR, result.error(), now);
                policy.remove(r);
                finished.add(r);
            }
        }
        // youngest first: each goes to the front of the waiting queue, so the oldest ends up first
        recompute.stream().sorted(Request.ARRIVAL_ORDER.reversed()).forEach(policy::recompute);
        for (Request r : finished) {
            finish(r);
        }
        if (!finished.isEmpty()) {
            lastFinishNanos = Math.max(lastFinishNanos, now);
        }
    }

    /** Called for requests finished by the engine or (IGNORED) by the policy. */
    private void finish(Request request) {
        if (request.status() != RequestStatus.FINISHED) {
            throw new IllegalStateException("not finished: " + request);
        }
        if (request.finishReason() != FinishReason.ABORT) {
            predictor.observe(request); // a cancelled request's length says nothing about its true length
        }
        listener.onFinished(request);
    }
}
