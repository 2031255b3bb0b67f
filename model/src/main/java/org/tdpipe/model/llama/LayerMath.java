package org.tdpipe.model.llama;

/** The element-wise parts of a Llama block: RMSNorm, bias add and the SwiGLU gate. */
final class LayerMath {
    private LayerMath() {
    }

    /** {@code out[r] = weight ⊙ x[r] / sqrt(mean(x[r]²) + eps)} for each of {@code rows} rows of length {@code dim}. */
    static void rmsNorm(float[] x, float[] weight, float eps, int rows, int dim, float[] out) {
        for (int r = 0; r < rows; r++) {
            int base = r * dim;
            float ss = 0;
            for (int j = 0; j < dim; j++) {
                ss += x[base + j] * x[base + j];
            }
            float inv = (float) (1.0 / Math.sqrt(ss / dim + eps));
            for (int j = 0; j < dim; j++) {
                out[base + j] = weight[j] * (inv * x[base + j]);
            }
        }
    }

    /** Adds {@code bias} to each of {@code rows} rows of {@code x} (no-op for an empty bias). */
    static void addBias(float[] x, float[] bias, int rows) {
        if (bias.length == 0) {
            return;
        }
        for (int r = 0; r < rows; r++) {
            int base = r * bias.length;
            for (int j = 0; j < bias.length; j++) {
                x[base + j] += bias[j];
            }
        }
    }

    /** {@code gate[i] = silu(gate[i]) · up[i]} for the first {@code n} elements. */
    static void swiGlu(float[] gate, float[] up, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[i];
            gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
        }
    }
}
