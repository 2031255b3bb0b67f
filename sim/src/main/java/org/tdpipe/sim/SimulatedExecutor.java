package org.tdpipe.sim;

import java.util.Collections;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.exec.StepResult;
import org.tdpipe.core.exec.VirtualPipelineExecutor;
import org.tdpipe.sim.cost.BatchLoad;
import org.tdpipe.sim.cost.StageCostModel;
import org.tdpipe.sim.cost.StageHop;

/**
 * A simulated GPU pipeline on virtual time (DESIGN §4): a {@link VirtualPipelineExecutor} whose stage
 * times come from a cost model, whose hop between stages is the activation transfer and whose return
 * delay is the sampled tokens travelling back to the controller. No randomness: the same batches give
 * the same spans.
 *
 * <p>The simulator runs with {@code ignore_eos}: every sampling sequence gets token {@link #SAMPLED_TOKEN}.
 */
public final class SimulatedExecutor extends VirtualPipelineExecutor {
    /** The token id every sampling sequence receives. */
    public static final int SAMPLED_TOKEN = 0;

    private final StageCostModel cost;
    private final StageHop transfer;
    private final long returnNanos;

    /**
     * @param numStages pipeline stages P (1 for tensor parallelism: one logical stage)
     * @param maxInFlight batches in flight at most (P for a pipeline, 1 for tensor parallelism)
     * @param cost per-stage execution time
     * @param transfer activation hand-off between consecutive stages
     * @param returnNanos from the end of the last stage to the controller receiving the tokens
     */
    public SimulatedExecutor(int numStages, int maxInFlight, StageCostModel cost, StageHop transfer,
            long returnNanos) {
        super(numStages, maxInFlight);
        if (returnNanos < 0) {
            throw new IllegalArgumentException("return overhead must be >= 0 ns, got " + returnNanos);
        }
        this.cost = cost;
        this.transfer = transfer;
        this.returnNanos = returnNanos;
    }

    @Override
    public void submit(StepBatch batch) {
        BatchLoad load = BatchLoad.of(batch);
        long hop = numStages() > 1 ? transfer.nanos(load.numTokens()) : 0;
        launch(batch, load.numTokens(), stage -> stageNanos(batch, load, stage), 0, hop, returnNanos);
    }

    private long stageNanos(StepBatch batch, BatchLoad load, int stage) {
        long duration = cost.stageNanos(load, stage, numStages());
        if (duration < 0) {
            throw new IllegalStateException("cost model gave a negative time " + duration + " ns for batch "
                    + batch.id() + " on stage " + stage);
        }
        return duration;
    }

    @Override
    protected StepResult complete(StepBatch batch) {
        return sampledTokens(batch);
    }

    /** The result of a simulated batch: {@link #SAMPLED_TOKEN} for every sampling sequence. */
    public static StepResult sampledTokens(StepBatch batch) {
        return StepResult.ok(batch, Collections.nCopies(batch.numSampled(), SampledToken.withoutLogprobs(SAMPLED_TOKEN)));
    }
}
