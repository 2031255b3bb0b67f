package org.tdpipe.core.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.tdpipe.core.exec.Clock;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.predict.LengthPredictor;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.sched.SchedulerPolicy;

/**
 * The centralized controller (DESIGN §2.1, §4) for a known workload: a single-threaded event loop
 * that owns all scheduling state. It admits arrivals, keeps the executor's in-flight slots filled
 * with batches chosen by the policy, and reacts to completions: appends tokens, detects finishes,
 * frees blocks (through the policy), streams outputs and feeds the length predictor. Scheduling
 * happens between completions, never on a stage's critical path. {@link OnlineEngine} runs the
 * same steps for requests submitted while it runs.
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
        EngineSteps steps = new EngineSteps(executor, policy, predictor, stopChecker, listener, batch -> { });

        while (!pending.isEmpty() || steps.busy()) {
            long now = clock.nanos();
            while (!pending.isEmpty() && pending.peekFirst().arrivalNanos() <= now) {
                steps.admit(pending.pollFirst());
            }
            steps.launchWhileSlotsFree();
            if (pending.isEmpty()) {
                steps.requireProgress();
                if (executor.inFlight() == 0) {
                    break;
                }
            }
            long deadline = pending.isEmpty() ? Long.MAX_VALUE : pending.peekFirst().arrivalNanos();
            steps.completeNext(deadline);
        }
        for (Request r : all) {
            if (!r.isFinished()) {
                throw new IllegalStateException("engine stopped with an unfinished request: " + r);
            }
        }
        long end = Math.max(steps.lastFinishNanos(), 1);
        return new RunResult(policy.name(), all, end, policy.stats(), executor.timeline(),
                executor.timeline().stats(0, end));
    }
}
