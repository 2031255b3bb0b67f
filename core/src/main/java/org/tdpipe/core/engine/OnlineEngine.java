package org.tdpipe.core.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.tdpipe.core.exec.Clock;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.predict.LengthPredictor;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.RequestStatus;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.core.sched.SchedulerPolicy;
import org.tdpipe.core.sched.SchedulerStats;

/**
 * The controller for a server (vLLM's AsyncLLMEngine idea): the same steps as {@link Engine}, in a
 * loop on its own thread, for requests submitted and aborted from any thread while it runs.
 * Submissions and aborts go through an inbox the loop drains between steps, so every scheduling
 * structure stays owned by the loop thread. Each request has its own {@link EngineListener} (called
 * on the loop thread); an engine-wide listener (metrics) sees every request too — each token after
 * the request's own listener, the finish before it, so that metrics count a request before its
 * client hears it ended — and a {@link StepObserver} sees every launched batch and the policy's
 * {@link SchedulerStats} whenever the loop changed them.
 */
public final class OnlineEngine {
    /**
     * Longest the loop waits for a completion while a pipeline slot is free, so that a request
     * submitted meanwhile is admitted promptly: {@link PipelineExecutor#next} cannot be woken from
     * another thread, and with every slot busy (or none in flight) the loop waits without a bound.
     * 1 ms is small next to one batch's compute and costs at most a thousand empty wake-ups a second.
     */
    static final long FREE_SLOT_WAIT_NANOS = 1_000_000;

    /** What other threads ask of the loop. */
    private sealed interface Command {
    }

    private record Submit(Request request, EngineListener listener) implements Command {
    }

    private record Abort(long requestId) implements Command {
    }

    private record Shutdown(long deadlineNanos) implements Command {
    }

    /** A request the loop holds, with its listener. */
    private record Live(Request request, EngineListener listener) {
    }

    /**
     * What other threads see of the requests the loop holds, recounted from their states after
     * every change the loop makes (so it cannot drift): those waiting to run (not launched yet, or
     * preempted) and all of them.
     */
    private record Counts(int waiting, int held) {
        static final Counts NONE = new Counts(0, 0);
    }

    private final PipelineExecutor executor;
    private final SchedulerPolicy policy;
    private final EngineListener engineListener;
    private final StepObserver stepObserver;
    private final Clock clock;
    private final EngineSteps steps;
    private final BlockingQueue<Command> inbox = new LinkedBlockingQueue<>();
    private final Map<Long, Live> live = new HashMap<>();
    private final AtomicLong nextId = new AtomicLong();
    /** Submissions not yet taken from the inbox into {@link #counts} (the loop subtracts them once counted there). */
    private final AtomicInteger submitted = new AtomicInteger();
    private final Thread thread;
    private volatile SchedulerStats stats;
    private volatile Counts counts = Counts.NONE;
    /** Submissions the loop took from the inbox since it last published {@link #counts} (loop thread only). */
    private int taken;
    private volatile Throwable failure;
    private boolean accepting = true;
    private long shutdownDeadline = Long.MAX_VALUE;
    private boolean shuttingDown;

    private OnlineEngine(PipelineExecutor executor, SchedulerPolicy policy, LengthPredictor predictor,
            StopChecker stopChecker, EngineListener engineListener, StepObserver stepObserver) {
        this.executor = executor;
        this.policy = policy;
        this.engineListener = engineListener;
        this.stepObserver = stepObserver;
        this.clock = executor.clock();
        this.steps = new EngineSteps(executor, policy, predictor, stopChecker, dispatcher(), batch -> {
            publish();
            stepObserver.onLaunch(batch);
        });
        this.stats = policy.stats();
        this.thread = new Thread(this::loop, "tdpipe-engine");
        thread.setDaemon(true);
    }

    /**
     * Starts the loop over {@code executor} (which it then drives alone until {@link #shutdown}).
     *
     * @param engineListener sees every request (metrics): each token after the request's own listener, the finish before it
     * @param stepObserver sees every launched batch and the policy's counters, on the loop thread
     */
    public static OnlineEngine start(PipelineExecutor executor, SchedulerPolicy policy, LengthPredictor predictor,
            StopChecker stopChecker, EngineListener engineListener, StepObserver stepObserver) {
        OnlineEngine engine = new OnlineEngine(executor, policy, predictor, stopChecker, engineListener, stepObserver);
        engine.thread.start();
        return engine;
    }

    /** A new request with a unique id, arriving now. */
    public Request newRequest(String externalId, int[] prompt, SamplingParams sampling) {
        return new Request(nextId.getAndIncrement(), externalId, prompt, sampling, clock.nanos());
    }

    /**
     * Hands {@code request} (from {@link #newRequest}) to the loop; {@code listener} is called on the
     * loop thread for each of its tokens and exactly once when it finishes.
     *
     * @throws RejectedExecutionException once {@link #shutdown} began or the loop failed
     */
    public void submit(Request request, EngineListener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (this) {
            if (!accepting) {
                throw new RejectedExecutionException(failure != null
                        ? "the engine failed: " + failure.getMessage() : "the engine is shutting down");
            }
            submitted.incrementAndGet();
            inbox.add(new Submit(request, listener));
        }
    }

    /**
     * Cancels request {@code requestId}: a waiting or ready one finishes as ABORT at once, a running
     * one when its batch returns (its blocks are freed either way). Unknown or finished ids are ignored.
     */
    public void abort(long requestId) {
        inbox.add(new Abort(requestId));
    }

    /**
     * Stops accepting requests, lets those in flight finish until {@code timeout}, then aborts the
     * rest, and waits for the loop to end. Returns false if the loop had not ended
     * {@code timeout} plus {@code grace} from now (a batch that never returns).
     */
    public boolean shutdown(Duration timeout, Duration grace) throws InterruptedException {
        synchronized (this) {
            if (accepting) {
                accepting = false;
                inbox.add(new Shutdown(clock.nanos() + timeout.toNanos()));
            }
        }
        return thread.join(timeout.plus(grace));
    }

    /** The policy's counters after the loop's latest iteration. */
    public SchedulerStats stats() {
        return stats;
    }

    /**
     * Requests waiting to run: submitted and not yet launched in a batch, plus those preempted and
     * waiting to run again (vLLM's {@code num_requests_waiting}). This is the admission queue.
     */
    public int numWaiting() {
        return submitted.get() + counts.waiting();
    }

    /** Requests submitted and not yet finished. */
    public int numUnfinished() {
        return submitted.get() + counts.held();
    }

    /** Whether new requests are accepted. */
    public synchronized boolean isAccepting() {
        return accepting;
    }

    /** Why the loop stopped with an error, if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    private void loop() {
        try {
            while (true) {
                for (Command c = inbox.poll(); c != null; c = inbox.poll()) {
                    handle(c);
                }
                if (shuttingDown && clock.nanos() >= shutdownDeadline) {
                    abortAll(); // nothing new can arrive: every submission precedes the shutdown command
                    shutdownDeadline = Long.MAX_VALUE;
                }
                steps.launchWhileSlotsFree();
                stepObserver.onSchedulerStats(publish());
                if (executor.inFlight() == 0) {
                    steps.requireProgress();
                    if (shuttingDown && live.isEmpty()) {
                        return;
                    }
                    Command c = shuttingDown ? inbox.poll(Math.max(0, shutdownDeadline - clock.nanos()), TimeUnit.NANOSECONDS)
                            : inbox.take();
                    if (c != null) {
                        handle(c);
                    }
                    continue;
                }
                long deadline = executor.hasFreeSlot() ? clock.nanos() + FREE_SLOT_WAIT_NANOS : Long.MAX_VALUE;
                if (steps.completeNext(Math.min(deadline, shutdownDeadline))) {
                    stepObserver.onSchedulerStats(publish());
                }
            }
        } catch (InterruptedException e) {
            fail(new IllegalStateException("engine loop interrupted", e));
        } catch (RuntimeException | Error e) {
            fail(e);
        }
    }

    /**
     * Publishes the policy's stats and the counts of the requests held, then stops counting the
     * submissions taken since the last time as pending (after, so that none is ever counted nowhere).
     */
    private SchedulerStats publish() {
        SchedulerStats now = policy.stats();
        stats = now;
        int waiting = 0;
        for (Live l : live.values()) {
            waiting += l.request().status() == RequestStatus.WAITING ? 1 : 0;
        }
        counts = new Counts(waiting, live.size());
        submitted.addAndGet(-taken);
        taken = 0;
        return now;
    }

    private void handle(Command command) {
        switch (command) {
            case Submit s -> {
                live.put(s.request().id(), new Live(s.request(), s.listener()));
                taken++;
                steps.admit(s.request());
            }
            case Abort a -> {
                Live l = live.get(a.requestId());
                if (l != null) {
                    steps.abort(l.request());
                }
            }
            case Shutdown s -> {
                shuttingDown = true;
                shutdownDeadline = s.deadlineNanos();
            }
        }
    }

    private void abortAll() {
        for (Live l : new ArrayList<>(live.values())) {
            steps.abort(l.request());
        }
    }

    /** Routes the engine's callbacks to the request's own listener, then to the engine-wide one. */
    private EngineListener dispatcher() {
        return new EngineListener() {
            @Override
            public boolean onToken(Request request, SampledToken token) {
                boolean go = live.get(request.id()).listener().onToken(request, token);
                return engineListener.onToken(request, token) && go;
            }

            @Override
            public void onFinished(Request request) {
                Live l = live.remove(request.id());
                engineListener.onFinished(request);
                l.listener().onFinished(request);
            }
        };
    }

    /** The loop cannot go on: every request it holds or was handed finishes with the error. */
    private void fail(Throwable error) {
        synchronized (this) {
            failure = error;
            accepting = false;
        }
        for (Command c = inbox.poll(); c != null; c = inbox.poll()) {
            if (c instanceof Submit s) {
                live.put(s.request().id(), new Live(s.request(), s.listener()));
                taken++;
            }
        }
        String message = "engine failed: " + error;
        for (Live l : new ArrayList<>(live.values())) {
            live.remove(l.request().id());
            if (l.request().status() != RequestStatus.FINISHED) {
                l.request().markFinished(FinishReason.ERROR, message, clock.nanos());
            }
            l.listener().onFinished(l.request());
        }
        counts = Counts.NONE;
        submitted.addAndGet(-taken);
        taken = 0;
    }
}
