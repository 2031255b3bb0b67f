package org.tdpipe.core.predict.learned;

import java.util.Arrays;
import org.tdpipe.core.predict.LengthDistribution;

/**
 * A trained output-length bucket classifier: bucket edges (bucket b holds lengths
 * {@code [edges[b], edges[b+1])}), the feature encoder, the softmax weights and the mean output
 * length of the training data (the baseline it must beat). Mutable through {@link #learn}.
 */
public final class LengthModel {
    private final int[] edges;
    private final FeatureEncoder encoder;
    private final SoftmaxRegression classifier;
    private final double trainingMean;

    LengthModel(int[] edges, FeatureEncoder encoder, SoftmaxRegression classifier, double trainingMean) {
        if (classifier.numClasses() != edges.length - 1 || classifier.dimension() != encoder.dimension()) {
            throw new IllegalArgumentException("classifier shape " + classifier.numClasses() + " x " + classifier.dimension()
                    + " does not match " + (edges.length - 1) + " buckets x " + encoder.dimension() + " features");
        }
        this.edges = edges.clone();
        this.encoder = encoder;
        this.classifier = classifier;
        this.trainingMean = trainingMean;
    }

    public int[] edges() {
        return edges.clone();
    }

    public int numBuckets() {
        return edges.length - 1;
    }

    public FeatureEncoder encoder() {
        return encoder;
    }

    public double trainingMean() {
        return trainingMean;
    }

    /** The number of weights: fixed for the model's life. */
    public int numWeights() {
        return classifier.numClasses() * classifier.dimension();
    }

    double[] weights() {
        return classifier.weights();
    }

    public LengthModel copy() {
        return new LengthModel(edges, encoder, classifier.copy(), trainingMean);
    }

    /** The bucket holding {@code length} (the last one for lengths beyond the edges). */
    public int bucketOf(int length) {
        int i = Arrays.binarySearch(edges, length);
        return Math.clamp(i >= 0 ? i : -i - 2, 0, numBuckets() - 1);
    }

    /** The predicted probability of each bucket (not capped at {@code max_tokens}). */
    public double[] probabilities(LengthQuery query) {
        return classifier.probabilities(encoder.encode(query));
    }

    /** The predicted length distribution, capped at {@code max_tokens} when the query has one. */
    public LengthDistribution distribution(LengthQuery query) {
        return distribution(query, classifier.probabilities(encoder.encode(query)));
    }

    /** The distribution of bucket {@code probabilities} for {@code query}, capped at its {@code max_tokens}. */
    LengthDistribution distribution(LengthQuery query, double[] probabilities) {
        LengthDistribution d = new LengthDistribution(edges, probabilities);
        return query.maxTokens() > 0 ? d.cappedAt(query.maxTokens()) : d;
    }

    /**
     * Online learning: returns the bucket probabilities predicted for {@code example} before
     * learning from it, then takes one SGD step towards its true bucket.
     */
    public double[] learn(LengthExample example, double learningRate, double l2) {
        SparseVector x = encoder.encode(example.query());
        double[] p = classifier.probabilities(x);
        classifier.step(x, p, bucketOf(example.outputTokens()), learningRate, l2);
        return p;
    }
}
