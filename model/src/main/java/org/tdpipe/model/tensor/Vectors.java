package org.tdpipe.model.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector shapes every kernel uses and small vectorized helpers over float arrays. The float
 * species is the machine's preferred one, but at least 256 bits wide (8 lanes) so that a
 * 32-element quantization block splits into whole vectors; the byte species has one byte per
 * float lane (the quantized weights are widened byte → float).
 */
public final class Vectors {
    public static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.length() >= 8
            ? FloatVector.SPECIES_PREFERRED : FloatVector.SPECIES_256;
    public static final int LANES = F.length();
    public static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * 8));

    private Vectors() {
    }

    /** Σ a[ao + i] · b[bo + i] for i in [0, n). */
    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(F);
        int bound = F.loopBound(n);
        for (; i < bound; i += LANES) {
            acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    /**
     * Four dot products of {@code w[0, n)} with {@code x} rows at {@code xOff + j·xStride}, stored at
     * {@code out[outOff + j·outStride]}; each bit-identical to {@link #dot}.
     */
    public static void dot4(float[] w, float[] x, int xOff, int xStride, float[] out, int outOff, int outStride, int n) {
        int o0 = xOff;
        int o1 = xOff + xStride;
        int o2 = xOff + 2 * xStride;
        int o3 = xOff + 3 * xStride;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int bound = F.loopBound(n);
        int k = 0;
        for (; k < bound; k += LANES) {
            FloatVector wv = FloatVector.fromArray(F, w, k);
            a0 = wv.fma(FloatVector.fromArray(F, x, o0 + k), a0);
            a1 = wv.fma(FloatVector.fromArray(F, x, o1 + k), a1);
            a2 = wv.fma(FloatVector.fromArray(F, x, o2 + k), a2);
            a3 = wv.fma(FloatVector.fromArray(F, x, o3 + k), a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD);
        float s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD);
        float s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; k < n; k++) {
            s0 += w[k] * x[o0 + k];
            s1 += w[k] * x[o1 + k];
            s2 += w[k] * x[o2 + k];
            s3 += w[k] * x[o3 + k];
        }
        store4(out, outOff, outStride, s0, s1, s2, s3);
    }

    /** The four results of a {@code dot4} kernel: {@code out[outOff + j·outStride] = s_j}. */
    static void store4(float[] out, int outOff, int outStride, float s0, float s1, float s2, float s3) {
        out[outOff] = s0;
        out[outOff + outStride] = s1;
        out[outOff + 2 * outStride] = s2;
        out[outOff + 3 * outStride] = s3;
    }

    /** y[yo + i] += alpha · x[xo + i] for i in [0, n). */
    public static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        int bound = F.loopBound(n);
        FloatVector va = FloatVector.broadcast(F, alpha);
        for (; i < bound; i += LANES) {
            va.fma(FloatVector.fromArray(F, x, xo + i), FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] += alpha * x[xo + i];
        }
    }

    /** y[i] += x[i] over the whole of {@code y}. */
    public static void addInPlace(float[] y, float[] x, int n) {
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += LANES) {
            FloatVector.fromArray(F, y, i).add(FloatVector.fromArray(F, x, i)).intoArray(y, i);
        }
        for (; i < n; i++) {
            y[i] += x[i];
        }
    }

    /** Widens {@code LANES} signed bytes to floats (the low part of a byte → float conversion). */
    static FloatVector widen(ByteVector bytes) {
        return (FloatVector) bytes.convertShape(VectorOperators.B2F, F, 0);
    }
}
