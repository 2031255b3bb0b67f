package org.tdpipe.core.sched.vllm;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.sched.SchedulerPolicy;
import org.tdpipe.core.sched.SchedulerStats;

/**
 * vLLM V0 (DESIGN §3): independent virtual engines, each a default scheduler with its own queues
 * and its own share of the KV blocks, at most one step in flight each. With P virtual engines this
 * is vLLM's pipeline parallelism ({@code pp-vllm}): P steps in flight, one per virtual engine, so
 * prefill and decode steps interleave in the pipeline. With one it is the single scheduler of
 * tensor parallelism ({@code tp}).
 *
 * <p>A new request goes to the virtual engine with the fewest unfinished requests (lowest index on
 * ties), as vLLM's {@code _add_processed_request}. Steps are launched round-robin from the engine
 * after the last one launched, skipping those with a step in flight or nothing to do; each step's
 * {@link StepBatch#stream()} is its virtual engine's index.
 *
 * <p>{@link SchedulerStats#phaseSwitches()} counts launched steps whose phase differs from the
 * previous launched step (prefill ↔ decode alternations in the pipeline).
 */
public final class VirtualEnginePolicy implements SchedulerPolicy {
    private final String name;
    private final List<VirtualEngine> engines;
    private int lastLaunched;
    private long nextBatchId;
    private Phase lastPhase;
    private long phaseSwitches;

    VirtualEnginePolicy(String name, List<VirtualEngine> engines) {
        if (engines.isEmpty()) {
            throw new IllegalArgumentException(name + " needs at least one virtual engine");
        }
        this.name = name;
        this.engines = List.copyOf(engines);
        this.lastLaunched = engines.size() - 1;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void add(Request request) {
        VirtualEngine least = engines.get(0);
        for (VirtualEngine ve : engines) {
            if (ve.numUnfinished() < least.numUnfinished()) {
                least = ve;
            }
        }
        least.add(request);
    }

    @Override
    public Optional<StepBatch> schedule(long nowNanos, Consumer<Request> onIgnored) {
        for (int i = 1; i <= engines.size(); i++) {
            int v = (lastLaunched + i) % engines.size();
            VirtualEngine ve = engines.get(v);
            if (!ve.canLaunch()) {
                continue;
            }
            Optional<StepBatch> step = ve.schedule(nextBatchId, nowNanos, onIgnored);
            if (step.isPresent()) {
                nextBatchId++;
                lastLaunched = v;
                countPhase(step.get().phase());
                return step;
            }
        }
        return Optional.empty();
    }

    private void countPhase(Phase phase) {
        if (lastPhase != null && lastPhase != phase) {
            phaseSwitches++;
        }
        lastPhase = phase;
    }

    @Override
    public void onBatchComplete(StepBatch batch) {
        engines.get(batch.stream()).onStepComplete(batch);
    }

    @Override
    public void recompute(Request request) {
        for (VirtualEngine ve : engines) {
            if (ve.recompute(request)) {
                return;
            }
        }
        throw new IllegalArgumentException(name + " holds no ready " + request);
    }

    @Override
    public void remove(Request request) {
        for (VirtualEngine ve : engines) {
            if (ve.remove(request)) {
                return;
            }
        }
        throw new IllegalArgumentException(name + " does not hold " + request);
    }

    @Override
    public int numUnfinished() {
        int n = 0;
        for (VirtualEngine ve : engines) {
            n += ve.numUnfinished();
        }
        return n;
    }

    @Override
    public SchedulerStats stats() {
        int waiting = 0;
        int inFlight = 0;
        int ready = 0;
        int used = 0;
        int total = 0;
        long preemptions = 0;
        for (VirtualEngine ve : engines) {
            waiting += ve.numWaiting();
            inFlight += ve.numInFlight();
            ready += ve.numReady();
            used += ve.usedBlocks();
            total += ve.totalBlocks();
            preemptions += ve.preemptions();
        }
        return new SchedulerStats(waiting, inFlight, ready, used, total, preemptions, phaseSwitches, "mixed");
    }
}
