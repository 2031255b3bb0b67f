package org.tdpipe.core.predict.learned;

/**
 * How to train a {@link LengthModel}.
 *
 * @param seed shuffling seed: the same data and options give the same model
 * @param epochs passes over the data
 * @param numBuckets geometric output-length buckets from 1 to the longest training output
 * @param hashBits hashed n-gram features ({@code 2^hashBits}; 0 = lengths and sampling only)
 * @param learningRate SGD step size of the first epoch; epoch e uses {@code learningRate / (1 + e)}
 * @param l2 weight decay
 */
public record TrainingOptions(long seed, int epochs, int numBuckets, int hashBits, double learningRate, double l2) {
    public TrainingOptions {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (numBuckets < 2 || numBuckets > 256) {
            throw new IllegalArgumentException("buckets must be in [2, 256], got " + numBuckets);
        }
        if (!(learningRate > 0) || !(l2 >= 0)) {
            throw new IllegalArgumentException("learning rate must be > 0 and l2 >= 0, got " + learningRate + ", " + l2);
        }
        new FeatureEncoder(hashBits); // validates
    }

    public static TrainingOptions defaults(long seed) {
        return new TrainingOptions(seed, 10, 16, 12, 0.1, 1e-6);
    }

    public TrainingOptions withEpochs(int value) {
        return new TrainingOptions(seed, value, numBuckets, hashBits, learningRate, l2);
    }
}
