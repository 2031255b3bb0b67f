package org.tdpipe.model.testing;

import org.tdpipe.model.format.ModelConfig;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.format.TensorEntry;
import org.tdpipe.model.tensor.Matrix;
import org.tdpipe.model.tensor.TensorArrays;

/**
 * A deliberately naive single-sequence Llama forward pass in double precision with a contiguous
 * KV cache: the test oracle for the paged, batched, sliced implementation.
 */
public final class ReferenceLlama {
    private final ModelConfig c;
    private final ModelSource source;

    public ReferenceLlama(ModelSource source) {
        this.source = source;
        this.c = source.config();
    }

    private double[][] matrix(String name) {
        TensorEntry e = source.require(name);
        Matrix m = Matrix.of(e);
        double[][] out = new double[m.rows()][];
        float[] row = new float[m.cols()];
        for (int r = 0; r < m.rows(); r++) {
            m.readRow(r, row, 0);
            out[r] = new double[m.cols()];
            for (int k = 0; k < row.length; k++) {
                out[r][k] = row[k];
            }
        }
        return out;
    }

    private double[] vector(String name, int n) {
        float[] f = TensorArrays.floats(source.require(name), n);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static double[] mul(double[][] w, double[] x) {
        double[] out = new double[w.length];
        for (int r = 0; r < w.length; r++) {
            double s = 0;
            for (int k = 0; k < x.length; k++) {
                s += w[r][k] * x[k];
            }
            out[r] = s;
        }
        return out;
    }

    private double[] rmsNorm(double[] x, double[] w) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double inv = 1 / Math.sqrt(ss / x.length + c.rmsNormEps());
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = w[i] * x[i] * inv;
        }
        return out;
    }

    private void rope(double[] v, int heads, int pos) {
        int hd = c.headDim();
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < hd / 2; i++) {
                double freq = 1.0 / Math.pow(c.ropeTheta(), 2.0 * i / hd);
                double a = pos * freq;
                int j = h * hd + 2 * i;
                double v0 = v[j];
                double v1 = v[j + 1];
                v[j] = v0 * Math.cos(a) - v1 * Math.sin(a);
                v[j + 1] = v0 * Math.sin(a) + v1 * Math.cos(a);
            }
        }
    }

    /** Logits after each token of {@code tokens} (row i = prediction for position i + 1). */
    public double[][] logits(int[] tokens) {
        int n = tokens.length;
        int dim = c.dim();
        int hd = c.headDim();
        int group = c.numHeads() / c.numKvHeads();
        double[][] emb = matrix("token_embd.weight");
        double[][] x = new double[n][];
        for (int t = 0; t < n; t++) {
            x[t] = emb[tokens[t]].clone();
        }
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "blk." + l + ".";
            double[][] wq = matrix(p + "attn_q.weight");
            double[][] wk = matrix(p + "attn_k.weight");
            double[][] wv = matrix(p + "attn_v.weight");
            double[][] wo = matrix(p + "attn_output.weight");
            double[][] gate = matrix(p + "ffn_gate.weight");
            double[][] up = matrix(p + "ffn_up.weight");
            double[][] down = matrix(p + "ffn_down.weight");
            double[] an = vector(p + "attn_norm.weight", dim);
            double[] fn = vector(p + "ffn_norm.weight", dim);
            double[][] q = new double[n][];
            double[][] k = new double[n][];
            double[][] v = new double[n][];
            for (int t = 0; t < n; t++) {
                double[] xb = rmsNorm(x[t], an);
                q[t] = mul(wq, xb);
                k[t] = mul(wk, xb);
                v[t] = mul(wv, xb);
                if (c.qkvBias()) {
                    add(q[t], vector(p + "attn_q.bias", q[t].length));
                    add(k[t], vector(p + "attn_k.bias", k[t].length));
                    add(v[t], vector(p + "attn_v.bias", v[t].length));
                }
                rope(q[t], c.numHeads(), t);
                rope(k[t], c.numKvHeads(), t);
            }
            for (int t = 0; t < n; t++) {
                double[] att = new double[c.numHeads() * hd];
                for (int h = 0; h < c.numHeads(); h++) {
                    int kvo = (h / group) * hd;
                    double[] s = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int u = 0; u <= t; u++) {
                        double d = 0;
                        for (int i = 0; i < hd; i++) {
                            d += q[t][h * hd + i] * k[u][kvo + i];
                        }
                        s[u] = d / Math.sqrt(hd);
                        max = Math.max(max, s[u]);
                    }
                    double sum = 0;
                    for (int u = 0; u <= t; u++) {
                        s[u] = Math.exp(s[u] - max);
                        sum += s[u];
                    }
                    for (int u = 0; u <= t; u++) {
                        for (int i = 0; i < hd; i++) {
                            att[h * hd + i] += s[u] / sum * v[u][kvo + i];
                        }
                    }
                }
                add(x[t], mul(wo, att));
                double[] xb = rmsNorm(x[t], fn);
                double[] g = mul(gate, xb);
                double[] u = mul(up, xb);
                for (int i = 0; i < g.length; i++) {
                    g[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
                }
                add(x[t], mul(down, g));
            }
        }
        double[] on = vector("output_norm.weight", dim);
        double[][] head = matrix(source.tensor("output.weight").isPresent() ? "output.weight" : "token_embd.weight");
        double[][] out = new double[n][];
        for (int t = 0; t < n; t++) {
            out[t] = mul(head, rmsNorm(x[t], on));
        }
        return out;
    }

    private static void add(double[] y, double[] x) {
        for (int i = 0; i < y.length; i++) {
            y[i] += x[i];
        }
    }
}
