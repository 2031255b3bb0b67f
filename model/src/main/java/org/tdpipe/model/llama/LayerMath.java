package org.tdpipe.model.llama;

import static org.tdpipe.model.tensor.Vectors.F;
import static org.tdpipe.model.tensor.Vectors.LANES;

import jdk.incubator.vector.FloatVector;
import org.tdpipe.model.tensor.Vectors;

/** The element-wise parts of a Llama block: RMSNorm, bias add and the SwiGLU gate, vectorized. */
final class LayerMath {
    private LayerMath() {
    }

    /** {@code out[r] = weight ⊙ x[r] / sqrt(mean(x[r]²) + eps)} for each of {@code rows} rows of length {@code dim}. */
    static void rmsNorm(float[] x, float[] weight, float eps, int rows, int dim, float[] out) {
        int bound = F.loopBound(dim);
        for (int r = 0; r < rows; r++) {
            int base = r * dim;
            float ss = Vectors.dot(x, base, x, base, dim);
            float inv = (float) (1.0 / Math.sqrt(ss / dim + eps));
            FloatVector vi = FloatVector.broadcast(F, inv);
            int j = 0;
            for (; j < bound; j += LANES) {
                FloatVector.fromArray(F, weight, j).mul(vi.mul(FloatVector.fromArray(F, x, base + j))).intoArray(out, base + j);
            }
            for (; j < dim; j++) {
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
            Vectors.addInPlace(x, r * bias.length, bias, bias.length);
        }
    }

    /** {@code gate[i] = silu(gate[i]) · up[i]} for the first {@code n} elements. */
    static void swiGlu(float[] gate, float[] up, int n) {
        int bound = F.loopBound(n);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (; i < bound; i += LANES) {
            FloatVector g = FloatVector.fromArray(F, gate, i);
            g.div(one.add(Vectors.exp(g.neg()))).mul(FloatVector.fromArray(F, up, i)).intoArray(gate, i);
        }
        for (; i < n; i++) {
            float g = gate[i];
            gate[i] = g / (1f + Vectors.exp(-g)) * up[i];
        }
    }
}
