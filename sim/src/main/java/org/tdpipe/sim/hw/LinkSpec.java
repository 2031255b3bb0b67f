package org.tdpipe.sim.hw;

/**
 * A point-to-point GPU↔GPU link carrying pipeline activations: an α–β model,
 * {@code time = latency + bytes / bandwidth}.
 *
 * @param bandwidthGBps sustained one-way bandwidth, GB/s (10^9 bytes per second)
 * @param latencyMicros fixed cost per transfer, µs
 */
public record LinkSpec(double bandwidthGBps, double latencyMicros) {
    /**
     * PCIe 4.0 x16 between GPUs without peer-to-peer (consumer and many data-centre PCIe boxes):
     * NCCL stages the copy through host memory, ≈ 22 GB/s one way (p2pBandwidthLatencyTest on
     * RTX 4090, NVIDIA/nccl#814) of the 31.5 GB/s theoretical. The 15 µs latency is a NCCL send/recv
     * launch (a few µs) plus two PCIe DMA hops through pinned host buffers (~5 µs each); the same
     * test reports 10–20 µs for host-staged GPU↔GPU copies.
     */
    public static final LinkSpec PCIE4_HOST_STAGED = new LinkSpec(22, 15);

    public LinkSpec {
        if (!(bandwidthGBps > 0) || !Double.isFinite(bandwidthGBps)) {
            throw new IllegalArgumentException("link bandwidth must be a positive number of GB/s, got " + bandwidthGBps);
        }
        if (!(latencyMicros >= 0) || !Double.isFinite(latencyMicros)) {
            throw new IllegalArgumentException("link latency must be >= 0 µs, got " + latencyMicros);
        }
    }

    /** Time to move {@code bytes} across the link (0 for an empty message). */
    public long transferNanos(double bytes) {
        if (bytes <= 0) {
            return 0;
        }
        return Math.round(latencyMicros * 1e3 + bytes / bandwidthGBps);
    }
}
