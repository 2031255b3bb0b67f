package org.tdpipe.sim.cost;

import java.util.function.ToDoubleFunction;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.sim.hw.AllReduceCost;
import org.tdpipe.sim.hw.GpuSpec;
import org.tdpipe.sim.model.ModelShape;

/**
 * Tensor parallelism (DESIGN §3 "tp"): one batch at a time across all GPUs, a single logical
 * stage. Time = compute of one GPU's shard + the collectives vLLM issues: 2 all-reduces of
 * {@code tokens × hidden × 2 B} per layer (after attention's O projection and after the MLP), one
 * after the vocabulary-parallel embedding, and the gather of the sampled rows' logits.
 */
public final class TensorParallelCost implements StageCostModel {
    private final ToDoubleFunction<BatchLoad> shardComputeNanos;
    private final ModelShape model;
    private final int degree;
    private final AllReduceCost collectives;

    private TensorParallelCost(ToDoubleFunction<BatchLoad> shardComputeNanos, ModelShape model, int degree,
            AllReduceCost collectives) {
        TransformerRoofline.checkShards(model, degree);
        this.shardComputeNanos = shardComputeNanos;
        this.model = model;
        this.degree = degree;
        this.collectives = collectives;
    }

    /** Compute from the roofline of a {@code 1/degree} shard of every layer. */
    public static TensorParallelCost roofline(GpuSpec gpu, ModelShape model, RooflineEfficiency eff, int degree,
            AllReduceCost collectives) {
        RooflineStageCost shard = new RooflineStageCost(new TransformerRoofline(gpu, model, eff, degree));
        return new TensorParallelCost(load -> shard.stageNanos(load, 0, 1), model, degree, collectives);
    }

    /** Compute = {@code T[n] / degree} from a single-GPU profile (ideal compute split). */
    public static TensorParallelCost fromProfile(Profile profile, ModelShape model, int degree, AllReduceCost collectives) {
        return new TensorParallelCost(load -> profile.forwardMs(load.numTokens()) * 1e6 / degree, model, degree, collectives);
    }

    public int degree() {
        return degree;
    }

    @Override
    public long stageNanos(BatchLoad load, int stage, int numStages) {
        if (numStages != 1 || stage != 0) {
            throw new IllegalArgumentException("tensor parallelism runs as one logical stage, asked for stage "
                    + stage + " of " + numStages);
        }
        return Math.round(shardComputeNanos.applyAsDouble(load) + communicationNanos(load));
    }

    /** The collectives of one forward. */
    public long communicationNanos(BatchLoad load) {
        double activations = (double) load.numTokens() * model.hidden() * ModelShape.BYTES_PER_VALUE;
        long perAllReduce = collectives.allReduceNanos(activations, degree);
        long logits = load.numSampled() == 0 ? 0
                : collectives.allGatherNanos((double) load.numSampled() * model.vocab() * ModelShape.BYTES_PER_VALUE, degree);
        return (2L * model.layers() + 1) * perAllReduce + logits;
    }
}
