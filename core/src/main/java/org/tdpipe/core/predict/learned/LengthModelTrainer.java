package org.tdpipe.core.predict.learned;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Trains a {@link LengthModel} by seeded, shuffled SGD epochs over the examples. */
public final class LengthModelTrainer {
    private LengthModelTrainer() {
    }

    public static LengthModel train(List<LengthExample> examples, TrainingOptions options) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        int longest = examples.stream().mapToInt(LengthExample::outputTokens).max().orElseThrow();
        double mean = examples.stream().mapToInt(LengthExample::outputTokens).average().orElseThrow();
        FeatureEncoder encoder = new FeatureEncoder(options.hashBits());
        int[] edges = geometricEdges(longest, options.numBuckets());
        LengthModel model = new LengthModel(edges, encoder, new SoftmaxRegression(edges.length - 1, encoder.dimension()), mean);
        int[] order = new int[examples.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(options.seed());
        for (int epoch = 0; epoch < options.epochs(); epoch++) {
            shuffle(order, random);
            double rate = options.learningRate() / (1 + epoch);
            for (int i : order) {
                model.learn(examples.get(i), rate, options.l2());
            }
        }
        return model;
    }

    /**
     * Up to {@code n} buckets with edges spaced geometrically from 1 to {@code longest + 1}
     * (fewer when short lengths would give duplicate edges).
     */
    static int[] geometricEdges(int longest, int n) {
        int[] edges = new int[n + 1];
        int count = 0;
        edges[count++] = 1;
        for (int k = 1; k <= n; k++) {
            int edge = (int) Math.round(Math.pow(longest + 1.0, k / (double) n));
            if (k == n) {
                edge = longest + 1;
            }
            if (edge > edges[count - 1]) {
                edges[count++] = edge;
            }
        }
        return Arrays.copyOf(edges, count);
    }

    private static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
