package org.tdpipe.sim.cost;

/**
 * How close kernels get to the roofline, and how fast the host can issue them. Each operator group takes the soft maximum
 * {@code (c^k + m^k)^(1/k)} of its compute time {@code c = FLOPs / (peak × computeEfficiency)} and
 * memory time {@code m = bytes / (bandwidth × memoryEfficiency)}; {@code k → ∞} is the plain
 * roofline max. A finite k models the transition region (32–256 tokens on L20) where GEMMs reach
 * neither bound: the L20 profile stays ~25% above the plain max there (43.9 ms measured vs 35.3 ms
 * predicted at 64 tokens).
 *
 * <p>A forward also cannot finish before the host has launched its kernels (eager mode, as TD-Pipe's
 * vLLM-based runtime runs): a stage takes at least {@code layers × launchMicrosPerLayer}. Large
 * models hide this under GPU time; small ones are bound by it.
 *
 * @param computeEfficiency fraction of dense peak FLOP/s reached by large GEMMs and attention
 * @param memoryEfficiency fraction of memory bandwidth reached by streaming kernels
 * @param sharpness the exponent k (≥ 1)
 * @param launchMicrosPerLayer host time to launch one layer's kernels, µs
 */
public record RooflineEfficiency(double computeEfficiency, double memoryEfficiency, double sharpness,
        double launchMicrosPerLayer) {
    /**
     * Fitted on TD-Pipe's L20 × Llama-2-13B profile (n = 1, 64, 256, 1024, 2048 tokens; errors in
     * {@code RooflineCalibrationTest}): 86% of bandwidth at 1 token, as measured (737 GB/s of
     * 864), and 93% of peak for the GEMMs, which leaves room for the norms and activations that the
     * model costs separately (the whole forward reaches 88% of peak at 2048 tokens). The launch
     * floor comes from the L20 × OPT-125m profile, flat at ≈ 2.8 ms for 12 layers up to 512 tokens.
     */
    public static final RooflineEfficiency L20_CALIBRATED = new RooflineEfficiency(0.93, 0.86, 1.75, 230);

    public RooflineEfficiency {
        if (!(computeEfficiency > 0 && computeEfficiency <= 1)) {
            throw new IllegalArgumentException("compute efficiency must be in (0, 1], got " + computeEfficiency);
        }
        if (!(memoryEfficiency > 0 && memoryEfficiency <= 1)) {
            throw new IllegalArgumentException("memory efficiency must be in (0, 1], got " + memoryEfficiency);
        }
        if (!(sharpness >= 1)) {
            throw new IllegalArgumentException("roofline sharpness must be >= 1, got " + sharpness);
        }
        if (!(launchMicrosPerLayer >= 0) || !Double.isFinite(launchMicrosPerLayer)) {
            throw new IllegalArgumentException("launch time per layer must be >= 0 µs, got " + launchMicrosPerLayer);
        }
    }

    /** The time of an operator with compute time {@code compute} and memory time {@code memory}. */
    public double combine(double compute, double memory) {
        double hi = Math.max(compute, memory);
        double lo = Math.min(compute, memory);
        if (lo <= 0 || Double.isInfinite(sharpness)) {
            return hi;
        }
        return hi * Math.pow(1 + Math.pow(lo / hi, sharpness), 1 / sharpness);
    }
}
