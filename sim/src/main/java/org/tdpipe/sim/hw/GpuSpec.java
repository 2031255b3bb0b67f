package org.tdpipe.sim.hw;

/**
 * The roofline facts of one GPU model.
 *
 * @param name catalog name, e.g. {@code l20}
 * @param peakTflops dense FP16 tensor-core peak with FP32 accumulation (what cuBLAS reaches), TFLOP/s
 * @param memoryBandwidthGBps device memory bandwidth, GB/s (10^9 bytes per second)
 * @param memoryGiB device memory as marketed ("48 GB" cards hold 48 GiB of DRAM), GiB
 */
public record GpuSpec(String name, double peakTflops, double memoryBandwidthGBps, double memoryGiB) {
    public GpuSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("GPU name must not be blank");
        }
        requirePositive(peakTflops, "peak TFLOP/s");
        requirePositive(memoryBandwidthGBps, "memory bandwidth");
        requirePositive(memoryGiB, "memory size");
    }

    public double peakFlopsPerSecond() {
        return peakTflops * 1e12;
    }

    public double bandwidthBytesPerSecond() {
        return memoryBandwidthGBps * 1e9;
    }

    public long memoryBytes() {
        return (long) (memoryGiB * (1L << 30));
    }

    private static void requirePositive(double value, String what) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(what + " must be a positive number, got " + value);
        }
    }
}
