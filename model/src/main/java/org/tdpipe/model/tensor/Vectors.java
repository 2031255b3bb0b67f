package org.tdpipe.model.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector shapes every kernel uses, chosen at run time (the machine's widest float vector, at
 * least 256 bits: 8 lanes with AVX2, 16 with AVX-512), and small vectorized helpers over float
 * arrays. Every helper is built from exactly rounded lane-wise operations in a fixed order — no
 * {@code reduceLanes}, whose order the Vector API leaves open, and no transcendental operator,
 * which may round differently before and after the JIT compiles it — so a result never depends on
 * whether the code was compiled yet.
 */
public final class Vectors {
    public static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.length() >= 8
            ? FloatVector.SPECIES_PREFERRED : FloatVector.SPECIES_256;
    public static final int LANES = F.length();
    /** One byte per float lane: quantized weights are widened byte → float. */
    public static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * 8));
    /** Rows of a weight panel ({@link PackedWeights}): two vectors. */
    public static final int PANEL = 2 * LANES;

    private static final VectorShuffle<Float>[] ROTATIONS = rotations();
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** Adding and subtracting 1.5 · 2^23 rounds a float of magnitude below 2^22 to an integer. */
    private static final float ROUNDER = 12582912f;
    /** Above it 2^n would overflow the exponent bits; only silu of a gate below -88 gets there (and wants 0 of it). */
    private static final float EXP_MAX = 88f;
    private static final float EXP_MIN = -87.3365447505531f;

    private Vectors() {
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] rotations() {
        int steps = Integer.numberOfTrailingZeros(LANES);
        VectorShuffle<Float>[] out = new VectorShuffle[steps];
        for (int s = 0; s < steps; s++) {
            out[s] = VectorShuffle.iota(F, LANES >>> (s + 1), 1, true);
        }
        return out;
    }

    /** The sum of the lanes of {@code v}, added as a fixed tree (halves, then quarters, ...). */
    public static float sum(FloatVector v) {
        for (VectorShuffle<Float> rotation : ROTATIONS) {
            v = v.add(v.rearrange(rotation));
        }
        return v.lane(0);
    }

    /** Σ a[ao + i] · b[bo + i] for i in [0, n). */
    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(F);
        int bound = F.loopBound(n);
        for (; i < bound; i += LANES) {
            acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
        }
        float s = sum(acc);
        for (; i < n; i++) {
            s = Math.fma(a[ao + i], b[bo + i], s);
        }
        return s;
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
            y[yo + i] = Math.fma(alpha, x[xo + i], y[yo + i]);
        }
    }

    /** y[i] += x[i] over the first {@code n} elements. */
    public static void addInPlace(float[] y, float[] x, int n) {
        addInPlace(y, 0, x, n);
    }

    /** y[yo + i] += x[i] for i in [0, n). */
    public static void addInPlace(float[] y, int yo, float[] x, int n) {
        int i = 0;
        int bound = F.loopBound(n);
        for (; i < bound; i += LANES) {
            FloatVector.fromArray(F, y, yo + i).add(FloatVector.fromArray(F, x, i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] += x[i];
        }
    }

    /**
     * {@code dst[dstOff + i] = e^(x[off + i] − shift)} for i in [0, n) ({@code dst} may be {@code x});
     * returns their sum: the numerators and the denominator of a softmax.
     */
    public static float expShifted(float[] x, int off, int n, float shift, float[] dst, int dstOff) {
        int i = 0;
        int bound = F.loopBound(n);
        FloatVector vs = FloatVector.broadcast(F, shift);
        FloatVector acc = FloatVector.zero(F);
        for (; i < bound; i += LANES) {
            FloatVector e = exp(FloatVector.fromArray(F, x, off + i).sub(vs));
            e.intoArray(dst, dstOff + i);
            acc = acc.add(e);
        }
        float total = sum(acc);
        for (; i < n; i++) {
            dst[dstOff + i] = exp(x[off + i] - shift);
            total += dst[dstOff + i];
        }
        return total;
    }

    /** The largest of {@code x[off, off + n)} (n ≥ 1). */
    public static float max(float[] x, int off, int n) {
        int i = 0;
        int bound = F.loopBound(n);
        float m = Float.NEGATIVE_INFINITY;
        if (bound > 0) {
            FloatVector acc = FloatVector.fromArray(F, x, off);
            for (i = LANES; i < bound; i += LANES) {
                acc = acc.max(FloatVector.fromArray(F, x, off + i));
            }
            m = acc.reduceLanes(VectorOperators.MAX); // the maximum does not depend on the order
        }
        for (; i < n; i++) {
            m = Math.max(m, x[off + i]);
        }
        return m;
    }

    /** Widens {@code LANES} signed bytes to floats. */
    static FloatVector widen(ByteVector bytes) {
        return (FloatVector) bytes.convertShape(VectorOperators.B2F, F, 0);
    }

    /**
     * e^x in every lane, within 2 ulp: x = n·ln 2 + r with |r| ≤ ln 2 / 2, a polynomial for e^r,
     * then the exponent bits of 2^n. Below ln(smallest normal) it is 0, above 88 infinite.
     */
    public static FloatVector exp(FloatVector x) {
        FloatVector c = x.min(EXP_MAX).max(EXP_MIN);
        FloatVector n = c.fma(FloatVector.broadcast(F, LOG2E), FloatVector.broadcast(F, ROUNDER)).sub(ROUNDER);
        FloatVector r = n.fma(FloatVector.broadcast(F, -LN2_HI), c);
        r = n.fma(FloatVector.broadcast(F, -LN2_LO), r);
        // Cephes' minimax polynomial: e^r ≈ 1 + r + r² · P(r)
        FloatVector p = FloatVector.broadcast(F, 1.9875691500e-4f);
        p = p.fma(r, FloatVector.broadcast(F, 1.3981999507e-3f));
        p = p.fma(r, FloatVector.broadcast(F, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(F, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(F, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(F, 5.0000001201e-1f));
        p = p.fma(r.mul(r), r).add(1f);
        IntVector bits = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        FloatVector scaled = p.mul(bits.reinterpretAsFloats());
        FloatVector zero = FloatVector.zero(F);
        return scaled.blend(zero, x.compare(VectorOperators.LT, EXP_MIN))
                .blend(FloatVector.broadcast(F, Float.POSITIVE_INFINITY), x.compare(VectorOperators.GT, EXP_MAX));
    }

    /** e^x of one value, by the same steps as {@link #exp(FloatVector)} (for loop tails). */
    public static float exp(float x) {
        return exp(FloatVector.broadcast(F, x)).lane(0);
    }
}
