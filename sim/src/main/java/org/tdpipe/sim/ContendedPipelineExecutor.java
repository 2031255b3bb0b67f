package org.tdpipe.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tdpipe.core.exec.Clock;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.StepResult;
import org.tdpipe.core.exec.VirtualClock;
import org.tdpipe.core.timeline.Span;
import org.tdpipe.core.timeline.Timeline;
import org.tdpipe.sim.cost.BatchLoad;
import org.tdpipe.sim.cost.ContendedStageCost;
import org.tdpipe.sim.cost.StageHop;

/**
 * A simulated pipeline whose stages share one machine's cores and memory bandwidth (a CPU pipeline),
 * on virtual time: a batch reaches the first stage a launch delay after its submission, moves on a
 * hop after each stage and completes a return delay after the last; every stage serves its
 * batches in launch order, as in {@link SimulatedExecutor},
 * but how fast a batch progresses on a stage depends on how many other stages are working at that
 * moment (processor sharing). While {@code k} of the other {@code P − 1} stages work, a batch
 * progresses at {@code 1 / t(k / (P − 1))} of its work per nanosecond, {@code t} its time under that
 * contention ({@link ContendedStageCost}), so a stage left alone by a draining or waiting pipeline
 * speeds up. The schedule is therefore not known at launch: the executor plays the pipeline forward
 * event by event (a batch becoming ready on a stage, a batch finishing one) whenever the clock moves,
 * which is exact because nothing is launched while {@link #next} waits. No randomness.
 */
public final class ContendedPipelineExecutor implements PipelineExecutor {
    private static final long NOT_YET = Long.MAX_VALUE;

    private final int numStages;
    private final ContendedStageCost cost;
    private final long launchNanos;
    private final StageHop hop;
    private final long returnNanos;
    private final VirtualClock clock = new VirtualClock();
    private final Timeline timeline;
    /** Per stage, the batches it has still to finish, in launch order; the head runs once ready. */
    private final List<ArrayDeque<StageWork>> queues = new ArrayList<>();
    private final ArrayDeque<Flight> inFlight = new ArrayDeque<>();

    /** A batch in the pipeline, its work on every stage; {@code doneAt} is known once it has left the last stage. */
    private static final class Flight {
        final StepBatch batch;
        final BatchLoad load;
        final StageWork[] works;
        long doneAt = NOT_YET;

        Flight(StepBatch batch, BatchLoad load, int numStages) {
            this.batch = batch;
            this.load = load;
            this.works = new StageWork[numStages];
        }
    }

    /** One batch's work on one stage: the share of it left and the times at the two ends of contention. */
    private static final class StageWork {
        final Flight flight;
        final int stage;
        final long aloneNanos;
        final long busyNanos;
        double remaining = 1;
        long readyAt = NOT_YET;
        long startedAt = NOT_YET;

        StageWork(Flight flight, int stage, long aloneNanos, long busyNanos) {
            this.flight = flight;
            this.stage = stage;
            this.aloneNanos = aloneNanos;
            this.busyNanos = busyNanos;
        }

        /** Its whole time were {@code othersWorking} (a share of the other stages) to hold throughout. */
        double nanosAt(double othersWorking) {
            return ContendedStageCost.between(aloneNanos, busyNanos, othersWorking);
        }
    }

    /**
     * @param numStages pipeline stages P
     * @param cost per-stage execution time under contention
     * @param launchNanos from a batch's launch to its being ready for the first stage
     * @param hop activation hand-off between consecutive stages
     * @param returnNanos from the end of the last stage to the controller receiving the tokens
     */
    public ContendedPipelineExecutor(int numStages, ContendedStageCost cost, long launchNanos, StageHop hop, long returnNanos) {
        if (numStages < 1) {
            throw new IllegalArgumentException("number of stages must be >= 1, got " + numStages);
        }
        if (numStages != cost.numStages()) {
            throw new IllegalArgumentException("the stage cost describes " + cost.numStages() + " stages, not " + numStages);
        }
        if (launchNanos < 0 || returnNanos < 0) {
            throw new IllegalArgumentException("launch and return overheads must be >= 0 ns, got " + launchNanos + " and " + returnNanos);
        }
        this.numStages = numStages;
        this.cost = cost;
        this.launchNanos = launchNanos;
        this.hop = hop;
        this.returnNanos = returnNanos;
        this.timeline = new Timeline(numStages);
        for (int s = 0; s < numStages; s++) {
            queues.add(new ArrayDeque<>());
        }
    }

    @Override
    public int numStages() {
        return numStages;
    }

    @Override
    public int maxInFlight() {
        return numStages;
    }

    @Override
    public int inFlight() {
        return inFlight.size();
    }

    @Override
    public void submit(StepBatch batch) {
        if (!hasFreeSlot()) {
            throw new IllegalStateException("no free slot for batch " + batch.id() + ": " + inFlight.size() + " of "
                    + numStages + " in flight");
        }
        Flight flight = new Flight(batch, BatchLoad.of(batch), numStages);
        for (int s = 0; s < numStages; s++) {
            long alone = cost.aloneNanos(flight.load, s);
            long busy = cost.busyNanos(flight.load, s);
            if (alone < 0 || busy < 0) {
                throw new IllegalStateException("cost model gave a negative time for batch " + batch.id() + " on stage " + s);
            }
            flight.works[s] = new StageWork(flight, s, alone, busy);
            queues.get(s).addLast(flight.works[s]);
        }
        flight.works[0].readyAt = clock.nanos() + launchNanos;
        inFlight.addLast(flight);
    }

    @Override
    public Optional<StepResult> next(long deadlineNanos) {
        while (true) {
            Flight head = inFlight.peekFirst();
            if (head != null && head.doneAt <= clock.nanos()) {
                inFlight.pollFirst();
                return Optional.of(SimulatedExecutor.sampledTokens(head.batch));
            }
            long until = head == null ? deadlineNanos : Math.min(deadlineNanos, head.doneAt);
            if (until <= clock.nanos() || (head == null && until == Long.MAX_VALUE)) {
                return Optional.empty();
            }
            step(until);
        }
    }

    /** Plays the pipeline forward to its next event, or to {@code until} if that comes first. */
    private void step(long until) {
        long now = clock.nanos();
        List<StageWork> running = new ArrayList<>(numStages);
        long next = until;
        for (ArrayDeque<StageWork> queue : queues) {
            StageWork head = queue.peekFirst();
            if (head == null) {
                continue;
            }
            if (head.readyAt <= now) {
                if (head.startedAt == NOT_YET) {
                    head.startedAt = now;
                }
                running.add(head);
            } else {
                next = Math.min(next, head.readyAt);
            }
        }
        double othersWorking = numStages == 1 ? 1.0 : (double) (running.size() - 1) / (numStages - 1);
        for (StageWork w : running) {
            next = Math.min(next, now + Math.round(w.remaining * w.nanosAt(othersWorking)));
        }
        if (next == Long.MAX_VALUE) {
            throw new IllegalStateException("the simulated pipeline has batches in flight but nothing left to run");
        }
        long elapsed = next - now;
        clock.advanceTo(next);
        for (StageWork w : running) {
            long finishAt = now + Math.round(w.remaining * w.nanosAt(othersWorking));
            if (finishAt <= next) {
                finish(w, next);
            } else {
                w.remaining = Math.max(0, w.remaining - elapsed / w.nanosAt(othersWorking));
            }
        }
    }

    private void finish(StageWork w, long at) {
        queues.get(w.stage).pollFirst();
        Flight f = w.flight;
        timeline.record(new Span(w.stage, f.batch.id(), f.batch.phase(), f.batch.seqs().size(), f.load.numTokens(), w.startedAt, at));
        if (w.stage < numStages - 1) {
            f.works[w.stage + 1].readyAt = at + hop.nanos(f.load.numTokens());
        } else {
            f.doneAt = at + returnNanos;
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
}
