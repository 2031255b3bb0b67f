package org.tdpipe.sim;

import org.tdpipe.sim.cost.RooflineEfficiency;
import org.tdpipe.sim.hw.AllReduceCost;
import org.tdpipe.sim.hw.GpuSpec;
import org.tdpipe.sim.hw.LinkSpec;
import org.tdpipe.sim.model.ModelShape;

/**
 * A simulated node: {@code numGpus} identical GPUs on PCIe serving one model.
 *
 * @param link GPU↔GPU link for pipeline activations
 * @param collectives NCCL ring cost for tensor parallelism
 * @param efficiency roofline efficiencies of the GPU's kernels
 * @param kvCache how the KV cache is sized
 * @param returnNanos from the last stage's end to the controller receiving the sampled tokens
 */
public record ClusterSpec(GpuSpec gpu, int numGpus, ModelShape model, LinkSpec link, AllReduceCost collectives,
        RooflineEfficiency efficiency, KvCacheConfig kvCache, long returnNanos) {

    public ClusterSpec {
        if (numGpus < 1) {
            throw new IllegalArgumentException("number of GPUs must be >= 1, got " + numGpus);
        }
        if (numGpus > model.layers()) {
            throw new IllegalArgumentException(model.name() + " has " + model.layers() + " layers, too few for "
                    + numGpus + " pipeline stages");
        }
        if (returnNanos < 0) {
            throw new IllegalArgumentException("return overhead must be >= 0 ns, got " + returnNanos);
        }
    }

    /**
     * PCIe 4.0 without peer-to-peer, NCCL ring all-reduce, the L20-calibrated efficiencies (also
     * for other GPUs: no profile of theirs is available to fit), vLLM's KV
     * defaults, and no return overhead: the token return is a few bytes per sequence and TD-Pipe's
     * controller schedules off the critical path.
     */
    public static ClusterSpec pcie(GpuSpec gpu, int numGpus, ModelShape model) {
        return new ClusterSpec(gpu, numGpus, model, LinkSpec.PCIE4_HOST_STAGED, AllReduceCost.PCIE4_NCCL_RING,
                RooflineEfficiency.L20_CALIBRATED, KvCacheConfig.DEFAULT, 0);
    }

    public ClusterSpec withCollectives(AllReduceCost value) {
        return new ClusterSpec(gpu, numGpus, model, link, value, efficiency, kvCache, returnNanos);
    }

    public ClusterSpec withLink(LinkSpec value) {
        return new ClusterSpec(gpu, numGpus, model, value, collectives, efficiency, kvCache, returnNanos);
    }

    public ClusterSpec withEfficiency(RooflineEfficiency value) {
        return new ClusterSpec(gpu, numGpus, model, link, collectives, value, kvCache, returnNanos);
    }

    public ClusterSpec withKvCache(KvCacheConfig value) {
        return new ClusterSpec(gpu, numGpus, model, link, collectives, efficiency, value, returnNanos);
    }

    public ClusterSpec withReturnNanos(long value) {
        return new ClusterSpec(gpu, numGpus, model, link, collectives, efficiency, kvCache, value);
    }
}
