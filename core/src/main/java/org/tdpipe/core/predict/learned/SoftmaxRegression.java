package org.tdpipe.core.predict.learned;

/**
 * Multinomial logistic regression over sparse features: {@code P(class c | x) = softmax(W x)_c}.
 * Trained by stochastic gradient descent on the log loss, whose minimiser gives calibrated class
 * probabilities. The weights have a fixed size, so online updates never grow it. Mutable; not
 * thread-safe.
 */
final class SoftmaxRegression {
    private final int numClasses;
    private final int dimension;
    private final double[] weights;

    SoftmaxRegression(int numClasses, int dimension) {
        this(numClasses, dimension, new double[Math.multiplyExact(numClasses, dimension)]);
    }

    SoftmaxRegression(int numClasses, int dimension, double[] weights) {
        if (weights.length != (long) numClasses * dimension) {
            throw new IllegalArgumentException("expected " + numClasses + " x " + dimension + " weights, got " + weights.length);
        }
        this.numClasses = numClasses;
        this.dimension = dimension;
        this.weights = weights;
    }

    int numClasses() {
        return numClasses;
    }

    int dimension() {
        return dimension;
    }

    /** A copy of the weights, class-major. */
    double[] weights() {
        return weights.clone();
    }

    SoftmaxRegression copy() {
        return new SoftmaxRegression(numClasses, dimension, weights.clone());
    }

    double[] probabilities(SparseVector x) {
        double[] p = new double[numClasses];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < numClasses; c++) {
            int base = c * dimension;
            double z = 0;
            for (int k = 0; k < x.size(); k++) {
                z += weights[base + x.indices()[k]] * x.values()[k];
            }
            p[c] = z;
            max = Math.max(max, z);
        }
        double sum = 0;
        for (int c = 0; c < numClasses; c++) {
            p[c] = Math.exp(p[c] - max);
            sum += p[c];
        }
        for (int c = 0; c < numClasses; c++) {
            p[c] /= sum;
        }
        return p;
    }

    /**
     * One SGD step on the log loss of {@code x} having class {@code truth}, given the model's
     * current {@code probabilities} for x, with L2 decay on the touched weights.
     */
    void step(SparseVector x, double[] probabilities, int truth, double learningRate, double l2) {
        for (int c = 0; c < numClasses; c++) {
            double gradient = probabilities[c] - (c == truth ? 1 : 0);
            int base = c * dimension;
            for (int k = 0; k < x.size(); k++) {
                int j = base + x.indices()[k];
                weights[j] -= learningRate * (gradient * x.values()[k] + l2 * weights[j]);
            }
        }
    }
}
