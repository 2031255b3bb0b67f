package org.tdpipe.core.sched.adaptive;

import java.util.ArrayList;
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
import org.tdpipe.core.sched.tdpipe.MemorySimulation;

/**
 * TD-Pipe with costs instead of constants ({@code td-pipe-adaptive}, DESIGN §6). It keeps the
 * principle — phases separated in time, greedy prefill guided by predicted memory, work-stealing
 * decode micro-batches — and changes four decisions:
 * <ul>
 *   <li>one memory plan: a prefill phase admits exactly the requests the plan admitted when the
 *       switch was decided, under the same line ({@code 1 − watermark} of the blocks), so there is
 *       no 0.9 stop line below a 1.0 admission line to make phases end after one micro-batch;
 *       the plan sees every in-flight request, including those that outlived their prediction;</li>
 *   <li>decode → prefill by the {@link SwitchLookahead}: a refill happens when it pays for its
 *       boundary bubbles better now than one round later;</li>
 *   <li>prefill micro-batches of a size chosen per phase ({@link PhaseCostModel#bestChunk}),
 *       long prompts chunked, so prefill items cost about what decode items cost per stage;</li>
 *   <li>decode micro-batches balanced in context length as well as count
 *       ({@link ContextBalancedBatcher}).</li>
 * </ul>
 */
public final class AdaptiveTdPipePolicy implements SchedulerPolicy {
    public static final String NAME = "td-pipe-adaptive";

    private final String name;
    private final int numStages;
    private final AdaptiveOptions options;
    private final BlockManager blocks;
    private final double memoryLineBlocks;
    private final int blockSize;
    private final PhaseCostModel cost;
    private final SwitchLookahead lookahead;
    private final ChunkedPrefillBatcher prefillBatcher;
    private final ContextBalancedBatcher decodeBatcher;

    private final RequestQueues queues;
    private final List<Request> plan = new ArrayList<>();
    private boolean prefillMode;
    private int chunkTokens;
    private long decodeCount;
    private long nextBatchId;
    private long phaseSwitches;
    private int unfinished;

    public AdaptiveTdPipePolicy(String name, PolicyContext ctx, AdaptiveOptions options) {
        this.name = name;
        this.numStages = ctx.numStages();
        this.options = options;
        double watermark = options.watermarkFor(ctx.numStages(), ctx.numBlocks());
        this.blocks = new BlockManager(ctx.numBlocks(), ctx.blockSize(), watermark);
        this.queues = new RequestQueues(blocks, ContextBalancedBatcher.BY_CONTEXT);
        this.memoryLineBlocks = options.memoryLineFor(watermark) * ctx.numBlocks();
        this.blockSize = ctx.blockSize();
        this.cost = new PhaseCostModel(ctx.profile(), ctx.numStages());
        this.lookahead = new SwitchLookahead(cost);
        this.prefillBatcher = new ChunkedPrefillBatcher(blocks, ctx.maxModelLen());
        this.decodeBatcher = new ContextBalancedBatcher(numStages, blocks);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void add(Request request) {
        queues.waiting().addLast(request);
        unfinished++;
    }

    @Override
    public Optional<StepBatch> schedule(long nowNanos, Consumer<Request> onIgnored) {
        if (!prefillMode && decodeCount % numStages == 0 && !queues.waiting().isEmpty()) {
            considerRefill();
        }
        if (prefillMode) {
            Optional<StepBatch> prefill = prefill(nowNanos, onIgnored);
            if (prefill.isPresent()) {
                return prefill;
            }
            // The phase ended, or its remaining chunks wait for their previous chunks to return:
            // decode micro-batches use the free slots rather than leave them idle.
        }
        List<ScheduledSeq> decode = decodeBatcher.form(queues.ready(), queues.running().size(), decodeCount, nowNanos,
                queues::preempt);
        if (decode.isEmpty()) {
            // Nothing decoding: refill whatever fits. Each try launches a batch or finishes the
            // planned requests as IGNORED (with every block free nothing can be LATER).
            for (int tries = queues.waiting().size();
                    tries > 0 && !prefillMode && queues.nothingInFlight() && !queues.waiting().isEmpty(); tries--) {
                considerRefill();
                Optional<StepBatch> prefill = prefillMode ? prefill(nowNanos, onIgnored) : Optional.empty();
                if (prefill.isPresent()) {
                    return prefill;
                }
            }
            return Optional.empty();
        }
        for (ScheduledSeq seq : decode) {
            queues.running().add(seq.request());
        }
        decodeCount++;
        return Optional.of(new StepBatch(nextBatchId++, Phase.DECODE, decode, 0));
    }

    /** The next micro-batch of the planned prefill phase; ends the phase when the plan is done. */
    private Optional<StepBatch> prefill(long nowNanos, Consumer<Request> onIgnored) {
        ChunkedPrefillBatcher.Formed formed = prefillBatcher.form(plan, chunkTokens, nowNanos, r -> {
            unfinished--;
            onIgnored.accept(r);
        });
        if (!formed.seqs().isEmpty()) {
            for (ScheduledSeq seq : formed.seqs()) {
                queues.running().add(seq.request());
            }
            return Optional.of(new StepBatch(nextBatchId++, Phase.PREFILL, formed.seqs(), 0));
        }
        if (formed.outOfMemory()) {
            returnUnstartedToWaiting();
        }
        if (plan.isEmpty()) {
            switchTo(false);
        }
        return Optional.empty();
    }

    /** Plans a prefill phase from the waiting queue and starts it if the lookahead says so. */
    private void considerRefill() {
        MemorySimulation usage = new MemorySimulation(blockSize, MemorySimulation.FINE_CHECKPOINTS);
        double finishesPerRound = 0;
        for (Request r : queues.running()) {
            usage.addInFlightKeepingOutlived(r);
            finishesPerRound += 1.0 / MemorySimulation.remainingKeepingOutlived(r, blockSize);
        }
        for (Request r : queues.ready()) {
            usage.addInFlightKeepingOutlived(r);
            finishesPerRound += 1.0 / MemorySimulation.remainingKeepingOutlived(r, blockSize);
        }
        List<Request> admissible = new ArrayList<>();
        long promptTokens = 0;
        for (Request r : queues.waiting()) {
            int remaining = r.predictedRemaining();
            if (usage.peakWith(r.numTokens(), remaining) > memoryLineBlocks
                    && !(admissible.isEmpty() && queues.nothingInFlight())) {
                break;
            }
            usage.add(r.numTokens(), remaining);
            admissible.add(r);
            promptTokens += r.numTokens();
        }
        if (admissible.isEmpty()) {
            return;
        }
        int inFlight = queues.inFlight();
        double meanPrompt = (double) promptTokens / admissible.size();
        boolean go = !options.lookahead() || lookahead.evaluate(inFlight, admissible.size(), queues.waiting().size(), meanPrompt,
                finishesPerRound).switchToPrefill();
        if (!go) {
            return;
        }
        for (int i = 0; i < admissible.size(); i++) {
            plan.add(queues.waiting().pollFirst());
        }
        chunkTokens = options.prefillChunkTokens() > 0 ? options.prefillChunkTokens()
                : cost.bestChunk(promptTokens, cost.perStageBatch(inFlight + admissible.size()));
        switchTo(true);
    }

    /** Memory ran out mid-phase: requests whose prefill has not started wait again, in order. */
    private void returnUnstartedToWaiting() {
        for (int i = plan.size() - 1; i >= 0; i--) {
            Request r = plan.get(i);
            if (r.blockTable().isEmpty()) {
                plan.remove(i);
                queues.waiting().addFirst(r);
            }
        }
    }

    private void switchTo(boolean prefill) {
        if (prefillMode != prefill) {
            prefillMode = prefill;
            phaseSwitches++;
        }
        if (!prefill) {
            decodeCount = 0;
        }
    }

    @Override
    public void onBatchComplete(StepBatch batch) {
        for (ScheduledSeq seq : batch.seqs()) {
            Request r = seq.request();
            queues.running().remove(r);
            if (r.isFinished()) {
                blocks.free(r);
                plan.remove(r);
                unfinished--;
            } else {
                r.markReady();
                if (seq.samples()) {
                    queues.ready().add(r);
                }
            }
        }
    }

    @Override
    public void recompute(Request request) {
        // a request between two prefill chunks is in the phase's plan, not yet ready to decode
        if (!queues.ready().remove(request) && !plan.remove(request)) {
            throw new IllegalArgumentException(name + " holds no ready " + request);
        }
        queues.preempt(request);
    }

    @Override
    public void remove(Request request) {
        if (queues.removeQueued(request)) {
            unfinished--;
        } else if (plan.remove(request)) {
            blocks.free(request);
            unfinished--;
        }
    }

    @Override
    public int numUnfinished() {
        return unfinished;
    }

    @Override
    public SchedulerStats stats() {
        return queues.stats(phaseSwitches, prefillMode);
    }
}
