package org.tdpipe.sim;

import org.tdpipe.core.profile.Profile;
import org.tdpipe.sim.cost.ActivationTransfer;
import org.tdpipe.sim.cost.ProfileFromCostModel;
import org.tdpipe.sim.cost.ProfileStageCost;
import org.tdpipe.sim.cost.RooflineStageCost;
import org.tdpipe.sim.cost.StageCostModel;
import org.tdpipe.sim.cost.TensorParallelCost;
import org.tdpipe.sim.cost.TransformerRoofline;

/**
 * Builds simulated deployments of one {@link ClusterSpec}: a pipeline over all GPUs (td-pipe,
 * pp-vllm, pp-chunked) or tensor parallelism (tp). Every call gives a fresh executor on its own
 * virtual clock, so policies can be compared on identical hardware.
 *
 * <p>Cost modes: {@link CostMode#PROFILE} needs a measured profile and uses it both as ground truth
 * ({@code T[n]/P} per stage) and as the policy's belief. {@link CostMode#ROOFLINE} takes the roofline
 * as ground truth; the policy believes the measured profile when one is given (as TD-Pipe would),
 * otherwise a table derived from the roofline ({@link ProfileFromCostModel}).
 */
public final class SimulatedCluster {
    private final ClusterSpec spec;

    public SimulatedCluster(ClusterSpec spec) {
        this.spec = spec;
    }

    public ClusterSpec spec() {
        return spec;
    }

    /** A pipeline of {@code numGpus} stages with up to one batch per stage in flight. */
    public SimulatedDeployment pipeline(CostMode mode, Profile measured) {
        return pipeline(mode, measured, spec.numGpus());
    }

    public SimulatedDeployment pipeline(CostMode mode, Profile measured, int maxInFlight) {
        int p = spec.numGpus();
        StageCostModel cost = switch (mode) {
            case PROFILE -> new ProfileStageCost(requireProfile(mode, measured));
            case ROOFLINE -> singleGpuRoofline();
        };
        Profile belief = measured != null ? measured
                : ProfileFromCostModel.build("roofline " + spec.gpu().name() + " " + spec.model().name(),
                        singleGpuRoofline(), ProfileFromCostModel.DEFAULT_MAX_TOKENS);
        SimulatedExecutor executor = new SimulatedExecutor(p, maxInFlight, cost,
                new ActivationTransfer(spec.link(), spec.model()), spec.returnNanos());
        return new SimulatedDeployment(executor, belief,
                KvCapacity.pipeline(spec.model(), spec.gpu(), p, spec.kvCache()), p);
    }

    /**
     * Tensor parallelism over all GPUs: one logical stage, one batch in flight. The policy's table
     * is the group's own cost (compute of a shard plus collectives) for one prompt of n tokens.
     */
    public SimulatedDeployment tensorParallel(CostMode mode, Profile measured) {
        int p = spec.numGpus();
        TensorParallelCost cost = switch (mode) {
            case PROFILE -> TensorParallelCost.fromProfile(requireProfile(mode, measured), spec.model(), p, spec.collectives());
            case ROOFLINE -> TensorParallelCost.roofline(spec.gpu(), spec.model(), spec.efficiency(), p, spec.collectives());
        };
        Profile belief = ProfileFromCostModel.build("tp" + p + " " + mode.label() + " " + spec.gpu().name() + " "
                + spec.model().name(), cost, ProfileFromCostModel.DEFAULT_MAX_TOKENS);
        SimulatedExecutor executor = new SimulatedExecutor(1, 1, cost,
                new ActivationTransfer(spec.link(), spec.model()), spec.returnNanos());
        return new SimulatedDeployment(executor, belief,
                KvCapacity.tensorParallel(spec.model(), spec.gpu(), p, spec.kvCache()), 1);
    }

    private RooflineStageCost singleGpuRoofline() {
        return new RooflineStageCost(new TransformerRoofline(spec.gpu(), spec.model(), spec.efficiency(), 1));
    }

    private static Profile requireProfile(CostMode mode, Profile measured) {
        if (measured == null) {
            throw new IllegalArgumentException("cost mode '" + mode.label()
                    + "' needs a measured profile CSV (TD-Pipe format '" + Profile.HEADER + "')");
        }
        return measured;
    }
}
