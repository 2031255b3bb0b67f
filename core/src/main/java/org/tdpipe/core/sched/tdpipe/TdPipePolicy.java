package org.tdpipe.core.sched.tdpipe;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.sched.PolicyContext;
import org.tdpipe.core.sched.RequestQueues;
import org.tdpipe.core.sched.SchedulerPolicy;
import org.tdpipe.core.sched.SchedulerStats;

/**
 * The TD-Pipe scheduler, faithful to the authors' code (DESIGN §2): phases separated in time. In
 * the prefill phase, prefill micro-batches ({@link PrefillBatcher}) launch back to back until the
 * predicted KV peak of the {@link MemorySimulation} reaches 90% of the blocks (greedy prefill),
 * the waiting queue empties, or nothing fits. In the decode phase, P decode micro-batches circulate,
 * each rebuilt from the ready pool ({@link WorkStealingBatcher}); every P decode micro-batches,
 * while requests wait, the {@link IntensitySwitchRule} decides whether to switch back to prefill.
 */
public final class TdPipePolicy implements SchedulerPolicy {

    private final String name;
    private final int numStages;
    private final TdPipeOptions options;
    private final BlockManager blocks;
    private final KvUsageForecast usage;
    private final PrefillBatcher prefillBatcher;
    private final DecodeBatcher decodeBatcher;
    private final IntensitySwitchRule switchRule;

    private final RequestQueues queues;
    private boolean prefillMode = true;
    private long decodeCount;
    private long nextBatchId;
    private long phaseSwitches;

    public TdPipePolicy(String name, PolicyContext ctx, TdPipeOptions options) {
        this.name = name;
        this.numStages = ctx.numStages();
        this.options = options;
        this.blocks = new BlockManager(ctx.numBlocks(), ctx.blockSize(), options.watermark());
        this.queues = new RequestQueues(blocks, Request.ARRIVAL_ORDER);
        this.usage = switch (options.memoryPlan()) {
            case PREDICTED_PEAK -> new MemorySimulation(ctx.blockSize());
            case DISTRIBUTION -> new DistributionMemorySimulation(ctx.blockSize(), MemorySimulation.FINE_CHECKPOINTS, ctx.predictor());
            case CURRENT_FOOTPRINT -> new CurrentKvFootprint(ctx.blockSize());
        };
        this.prefillBatcher = new PrefillBatcher(blocks, options.prefillTokenBudget(),
                Math.min(ctx.maxModelLen(), options.maxNumBatchedTokens()));
        DecodeSlots slots = new DecodeSlots(blocks);
        this.decodeBatcher = options.workStealing()
                ? new WorkStealingBatcher(numStages, slots)
                : new FixedMembershipBatcher(numStages, slots);
        this.switchRule = new IntensitySwitchRule(ctx.profile(), numStages, options);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void add(Request request) {
        queues.waiting().addLast(request);
    }

    @Override
    public Optional<StepBatch> schedule(long nowNanos, Consumer<Request> onIgnored) {
        if (decodeCount % numStages == 0) {
            updateMode();
        }
        if (prefillMode) {
            Optional<StepBatch> prefill = prefill(nowNanos, onIgnored);
            if (prefill.isPresent()) {
                return prefill;
            }
            switchTo(false);
        }
        List<ScheduledSeq> decode = decodeBatcher.form(queues.ready(), queues.running().size(), decodeCount, nowNanos,
                this::preempt);
        if (!decode.isEmpty()) {
            for (ScheduledSeq seq : decode) {
                queues.running().add(seq.request());
            }
            decodeCount++;
            return Optional.of(new StepBatch(nextBatchId++, Phase.DECODE, decode, 0));
        }
        if (queues.nothingInFlight() && !queues.waiting().isEmpty()) {
            // Liveness: an idle pipeline with requests waiting must prefill, whatever the stale
            // predicted usage says (the original could stall here after a preemption).
            rebuildUsage();
            switchTo(true);
            return prefill(nowNanos, onIgnored);
        }
        return Optional.empty();
    }

    private Optional<StepBatch> prefill(long nowNanos, Consumer<Request> onIgnored) {
        List<ScheduledSeq> prefill = prefillBatcher.form(queues.waiting(), nowNanos, onIgnored);
        if (prefill.isEmpty()) {
            return Optional.empty();
        }
        for (ScheduledSeq seq : prefill) {
            Request r = seq.request();
            queues.running().add(r);
            decodeBatcher.onPrefilled(r);
            usage.addNew(r);
        }
        decodeCount = 0;
        return Optional.of(new StepBatch(nextBatchId++, Phase.PREFILL, prefill, 0));
    }

    private void updateMode() {
        if (prefillMode) {
            boolean predictedFull = options.greedyPrefill()
                    && usage.predictedPeak() >= options.prefillStopFraction() * blocks.numBlocks();
            if (queues.waiting().isEmpty() || predictedFull) {
                switchTo(false);
            }
            return;
        }
        if (queues.waiting().isEmpty()) {
            return;
        }
        rebuildUsage();
        IntensitySwitchRule.Decision decision =
                switchRule.evaluate(queues.inFlight(), queues.waiting(), usage, blocks.numBlocks());
        if (decision.switchToPrefill()) {
            // The evaluation added the admissible requests; prefill starts from the in-flight ones.
            // (Staying in decode, the usage is not read before the next evaluation rebuilds it.)
            rebuildUsage();
            switchTo(true);
        }
    }

    private void rebuildUsage() {
        usage.clear();
        for (Request r : queues.running()) {
            usage.addInFlight(r);
        }
        for (Request r : queues.ready()) {
            usage.addInFlight(r);
        }
    }

    private void switchTo(boolean prefill) {
        if (prefillMode != prefill) {
            prefillMode = prefill;
            phaseSwitches++;
        }
    }

    private void preempt(Request request) {
        queues.preempt(request);
        decodeBatcher.onRemoved(request);
    }

    @Override
    public void onBatchComplete(StepBatch batch) {
        for (ScheduledSeq seq : batch.seqs()) {
            Request r = seq.request();
            queues.running().remove(r);
            if (r.isFinished()) {
                blocks.free(r);
                decodeBatcher.onRemoved(r);
            } else {
                r.markReady();
                queues.ready().add(r);
            }
        }
    }

    @Override
    public void recompute(Request request) {
        if (!queues.ready().remove(request)) {
            throw new IllegalArgumentException(name + " holds no ready " + request);
        }
        preempt(request);
    }

    @Override
    public void remove(Request request) {
        if (queues.removeQueued(request)) {
            decodeBatcher.onRemoved(request);
        }
    }

    @Override
    public int numUnfinished() {
        return queues.waiting().size() + queues.inFlight();
    }

    @Override
    public SchedulerStats stats() {
        return queues.stats(phaseSwitches, prefillMode);
    }
}
