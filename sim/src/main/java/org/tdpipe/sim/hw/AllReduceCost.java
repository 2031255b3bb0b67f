package org.tdpipe.sim.hw;

/**
 * NCCL ring collectives in the nccl-tests bus-bandwidth model: an all-reduce of S bytes over n
 * GPUs takes {@code α + (S / busbw) · 2(n−1)/n}, an all-gather {@code α + (S / busbw) · (n−1)/n}
 * (S = the gathered result). Defaults fit Vidur's 4 × A100-PCIe table (ring crossing PCIe 4.0):
 * α ≈ 73 µs, busbw ≈ 23.7 GB/s (reference simulators.md §4.1). vLLM disables its custom
 * all-reduce on more than two PCIe-only GPUs, so tensor parallelism runs on this NCCL ring.
 *
 * @param alphaMicros fixed cost per collective call, µs
 * @param busBandwidthGBps bus bandwidth, GB/s
 */
public record AllReduceCost(double alphaMicros, double busBandwidthGBps) {
    public static final AllReduceCost PCIE4_NCCL_RING = new AllReduceCost(73, 23.7);

    public AllReduceCost {
        if (!(alphaMicros >= 0) || !Double.isFinite(alphaMicros)) {
            throw new IllegalArgumentException("all-reduce latency must be >= 0 µs, got " + alphaMicros);
        }
        if (!(busBandwidthGBps > 0) || !Double.isFinite(busBandwidthGBps)) {
            throw new IllegalArgumentException("all-reduce bus bandwidth must be a positive number of GB/s, got " + busBandwidthGBps);
        }
    }

    /** One all-reduce of {@code bytes} bytes over {@code numGpus} GPUs (0 on a single GPU). */
    public long allReduceNanos(double bytes, int numGpus) {
        return collectiveNanos(bytes, numGpus, 2.0 * (numGpus - 1) / numGpus);
    }

    /** One all-gather producing {@code bytes} bytes on every GPU (0 on a single GPU). */
    public long allGatherNanos(double bytes, int numGpus) {
        return collectiveNanos(bytes, numGpus, (double) (numGpus - 1) / numGpus);
    }

    private long collectiveNanos(double bytes, int numGpus, double busFactor) {
        if (numGpus < 1) {
            throw new IllegalArgumentException("number of GPUs must be >= 1, got " + numGpus);
        }
        if (numGpus == 1 || bytes <= 0) {
            return 0;
        }
        return Math.round(alphaMicros * 1e3 + bytes / busBandwidthGBps * busFactor);
    }
}
