package org.tdpipe.core.predict;

import java.util.Arrays;

/**
 * A predicted distribution of a request's output length over buckets: bucket {@code b} holds the
 * lengths {@code [edges[b], edges[b+1])} with probability {@code probabilities[b]}, spread
 * uniformly over its lengths.
 */
public record LengthDistribution(int[] edges, double[] probabilities) {

    public LengthDistribution {
        if (edges.length < 2 || probabilities.length != edges.length - 1) {
            throw new IllegalArgumentException("need n+1 edges for n probabilities, got " + edges.length
                    + " edges and " + probabilities.length + " probabilities");
        }
        double sum = 0;
        for (int b = 0; b < probabilities.length; b++) {
            if (edges[b + 1] <= edges[b] || edges[b] < 0) {
                throw new IllegalArgumentException("bucket edges must be >= 0 and increasing: " + Arrays.toString(edges));
            }
            if (!(probabilities[b] >= 0)) {
                throw new IllegalArgumentException("probability of bucket " + b + " is " + probabilities[b]);
            }
            sum += probabilities[b];
        }
        if (Math.abs(sum - 1) > 1e-6) {
            throw new IllegalArgumentException("probabilities sum to " + sum + ", not 1");
        }
        edges = edges.clone();
        probabilities = probabilities.clone();
    }

    /** Certainly {@code length} tokens (at least 1). */
    public static LengthDistribution pointMass(int length) {
        int l = Math.max(1, length);
        return new LengthDistribution(new int[] {l, l + 1}, new double[] {1});
    }

    @Override
    public int[] edges() {
        return edges.clone();
    }

    @Override
    public double[] probabilities() {
        return probabilities.clone();
    }

    public int numBuckets() {
        return probabilities.length;
    }

    public double probability(int bucket) {
        return probabilities[bucket];
    }

    /** {@code P(length >= m)}. */
    public double survival(int m) {
        double p = 0;
        for (int b = 0; b < probabilities.length; b++) {
            int lo = edges[b];
            int hi = edges[b + 1];
            if (m <= lo) {
                p += probabilities[b];
            } else if (m < hi) {
                p += probabilities[b] * (hi - m) / (double) (hi - lo);
            }
        }
        return Math.min(1, p);
    }

    /** The smallest length {@code m} with {@code P(length <= m) >= q}, for q in (0, 1]. */
    public int quantile(double q) {
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1], got " + q);
        }
        double below = 0;
        for (int b = 0; b < probabilities.length; b++) {
            double p = probabilities[b];
            if (p > 0 && below + p >= q - 1e-12) {
                int width = edges[b + 1] - edges[b];
                int within = (int) Math.ceil((q - below) / p * width - 1e-9);
                return edges[b] + Math.clamp(within - 1, 0, width - 1);
            }
            below += p;
        }
        return edges[edges.length - 1] - 1;
    }

    /** The expected length. */
    public double mean() {
        double mean = 0;
        for (int b = 0; b < probabilities.length; b++) {
            mean += probabilities[b] * (edges[b] + edges[b + 1] - 1) / 2.0;
        }
        return mean;
    }

    /** The bucket holding {@code length} (the first or last bucket for lengths outside the edges). */
    public int bucketOf(int length) {
        int i = Arrays.binarySearch(edges, length);
        int b = i >= 0 ? i : -i - 2;
        return Math.clamp(b, 0, probabilities.length - 1);
    }

    /** The most probable bucket. */
    public int mostLikelyBucket() {
        int best = 0;
        for (int b = 1; b < probabilities.length; b++) {
            if (probabilities[b] > probabilities[best]) {
                best = b;
            }
        }
        return best;
    }

    /**
     * The distribution of the length given that it is at least {@code m} (a request that has
     * generated {@code m} tokens and goes on). When the prediction gave that no chance, the request
     * is expected to live on for up to as long again: uniform over {@code [m, 2m]}.
     */
    public LengthDistribution givenAtLeast(int m) {
        double alive = survival(m);
        if (alive <= 1e-12) {
            return new LengthDistribution(new int[] {m, 2 * m + 1}, new double[] {1});
        }
        int first = bucketOf(Math.max(m, edges[0]));
        int n = probabilities.length - first;
        int[] e = Arrays.copyOfRange(edges, first, edges.length);
        double[] p = new double[n];
        e[0] = Math.max(m, edges[first]);
        for (int k = 0; k < n; k++) {
            int b = first + k;
            double mass = probabilities[b];
            if (k == 0) {
                mass *= (edges[b + 1] - e[0]) / (double) (edges[b + 1] - edges[b]);
            }
            p[k] = mass / alive;
        }
        return new LengthDistribution(e, p);
    }

    /**
     * The distribution of {@code min(length, cap)}: the mass at or above {@code cap} moves to the
     * single length {@code cap} (a request stops at its {@code max_tokens}).
     */
    public LengthDistribution cappedAt(int cap) {
        if (cap >= edges[edges.length - 1] - 1) {
            return this;
        }
        if (cap < edges[0]) {
            return new LengthDistribution(new int[] {cap, cap + 1}, new double[] {1});
        }
        int last = bucketOf(cap);
        int[] e = Arrays.copyOf(edges, last + 3);
        double[] p = Arrays.copyOf(probabilities, last + 2);
        double atCap = survival(cap);
        e[last + 1] = cap;
        e[last + 2] = cap + 1;
        p[last] = probabilities[last] * (cap - edges[last]) / (double) (edges[last + 1] - edges[last]);
        p[last + 1] = atCap;
        if (e[last + 1] == e[last]) {
            // cap falls on an edge: drop the empty bucket
            e = removeAt(e, last + 1);
            p = removeAt(p, last);
        }
        return new LengthDistribution(e, normalized(p));
    }

    /**
     * The distribution of {@code round(length × factor)} (at least 1 where the length was): every
     * edge is scaled; a bucket that shrinks to no length gives its probability to the next bucket
     * (the last one to the one before).
     */
    public LengthDistribution scaled(double factor) {
        if (!(factor > 0)) {
            throw new IllegalArgumentException("scale factor must be > 0, got " + factor);
        }
        if (factor == 1) {
            return this;
        }
        int[] e = new int[edges.length];
        double[] p = new double[probabilities.length];
        int n = 0;
        double carried = 0;
        for (int b = 0; b < probabilities.length; b++) {
            int lo = scaledEdge(edges[b], factor);
            int hi = scaledEdge(edges[b + 1], factor);
            if (hi <= lo) {
                carried += probabilities[b];
                continue;
            }
            if (n == 0) {
                e[0] = lo;
            }
            p[n] = probabilities[b] + carried;
            e[++n] = hi;
            carried = 0;
        }
        if (n == 0) {
            return pointMass(scaledEdge(edges[0], factor));
        }
        p[n - 1] += carried;
        return new LengthDistribution(Arrays.copyOf(e, n + 1), normalized(Arrays.copyOf(p, n)));
    }

    private static int scaledEdge(int edge, double factor) {
        return edge == 0 ? 0 : (int) Math.max(1, Math.round(edge * factor));
    }

    private static int[] removeAt(int[] a, int i) {
        int[] out = new int[a.length - 1];
        System.arraycopy(a, 0, out, 0, i);
        System.arraycopy(a, i + 1, out, i, a.length - i - 1);
        return out;
    }

    private static double[] removeAt(double[] a, int i) {
        double[] out = new double[a.length - 1];
        System.arraycopy(a, 0, out, 0, i);
        System.arraycopy(a, i + 1, out, i, a.length - i - 1);
        return out;
    }

    private static double[] normalized(double[] p) {
        double sum = Arrays.stream(p).sum();
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
