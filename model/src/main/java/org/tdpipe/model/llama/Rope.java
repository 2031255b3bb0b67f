package org.tdpipe.model.llama;

import org.tdpipe.model.format.ModelConfig;
import org.tdpipe.model.step.BatchLayout;

/**
 * Rotary position embedding. Frequencies {@code theta^(-2i/headDim)}, optionally rescaled as in
 * Llama 3.1 ({@code rope_scaling.rope_type = llama3}). By default it rotates adjacent pairs
 * {@code (2i, 2i+1)} of each head — the GGUF / llama2.c weight layout; with {@code halfSplit} it
 * rotates {@code (i, i + headDim/2)}, the Hugging Face / NeoX layout.
 */
public final class Rope {
    private final int headDim;
    private final boolean halfSplit;
    private final double[] frequencies;

    public Rope(int headDim, float theta, ModelConfig.RopeScaling scaling, boolean halfSplit) {
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("RoPE needs an even head dimension, got " + headDim);
        }
        this.headDim = headDim;
        this.halfSplit = halfSplit;
        this.frequencies = new double[headDim / 2];
        for (int i = 0; i < frequencies.length; i++) {
            double f = 1.0 / Math.pow(theta, 2.0 * i / headDim);
            frequencies[i] = scaling == null ? f : scaled(f, scaling);
        }
    }

    /** The RoPE of a model, rotating the pairs its reader says its Q/K rows are laid out in. */
    public static Rope of(ModelConfig c) {
        return new Rope(c.headDim(), c.ropeTheta(), c.ropeScaling(), c.ropeHalfSplit());
    }

    private static double scaled(double freq, ModelConfig.RopeScaling s) {
        double lowFreqWavelen = s.originalContextLength() / s.lowFreqFactor();
        double highFreqWavelen = s.originalContextLength() / s.highFreqFactor();
        double wavelen = 2 * Math.PI / freq;
        if (wavelen < highFreqWavelen) {
            return freq;
        }
        if (wavelen > lowFreqWavelen) {
            return freq / s.factor();
        }
        double smooth = (s.originalContextLength() / wavelen - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor());
        return (1 - smooth) * freq / s.factor() + smooth * freq;
    }

    /** Cosines and sines for every row of a batch: {@code headDim/2} of each per row. */
    public Angles angles(BatchLayout layout) {
        int half = frequencies.length;
        float[] cos = new float[layout.numTokens() * half];
        float[] sin = new float[cos.length];
        for (int row = 0; row < layout.numTokens(); row++) {
            int pos = layout.position(row);
            for (int i = 0; i < half; i++) {
                double a = pos * frequencies[i];
                cos[row * half + i] = (float) Math.cos(a);
                sin[row * half + i] = (float) Math.sin(a);
            }
        }
        return new Angles(cos, sin);
    }

    /** Per-row rotation angles of one batch. */
    public record Angles(float[] cos, float[] sin) {
    }

    /** Rotates every head of every row of {@code x} ({@code rows × heads·headDim}) in place. */
    public void apply(float[] x, int rows, int heads, Angles angles) {
        int half = headDim / 2;
        int width = heads * headDim;
        for (int row = 0; row < rows; row++) {
            for (int h = 0; h < heads; h++) {
                int base = row * width + h * headDim;
                for (int i = 0; i < half; i++) {
                    float c = angles.cos[row * half + i];
                    float s = angles.sin[row * half + i];
                    int a = halfSplit ? base + i : base + 2 * i;
                    int b = halfSplit ? base + i + half : base + 2 * i + 1;
                    float v0 = x[a];
                    float v1 = x[b];
                    x[a] = v0 * c - v1 * s;
                    x[b] = v0 * s + v1 * c;
                }
            }
        }
    }
}
