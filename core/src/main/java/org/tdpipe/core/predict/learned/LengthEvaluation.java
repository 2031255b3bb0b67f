package org.tdpipe.core.predict.learned;

import java.util.List;
import org.tdpipe.core.predict.LengthDistribution;

/**
 * How well a model predicts held-out examples. Online evaluation is prequential, as served traffic:
 * each example is predicted, then learned from (the model is changed).
 *
 * @param bucketAccuracy fraction whose most likely bucket holds the true length
 * @param meanAbsoluteError mean |median prediction − true length| in tokens
 * @param baselineMae the same for always predicting the training mean
 * @param expectedCalibrationError the most-likely-bucket confidence against its accuracy, over 10
 *     equal-width confidence bins, weighted by bin size
 * @param meanPredicted per bucket: the mean predicted probability of that bucket
 * @param observed per bucket: the fraction of examples whose true length falls in it (a calibrated
 *     model has both equal)
 */
public record LengthEvaluation(int count, double bucketAccuracy, double meanAbsoluteError, double baselineMae,
        double expectedCalibrationError, double[] meanPredicted, double[] observed) {

    private static final int CONFIDENCE_BINS = 10;

    public static LengthEvaluation of(LengthModel model, List<LengthExample> examples) {
        return of(model, examples, false);
    }

    public static LengthEvaluation of(LengthModel model, List<LengthExample> examples, boolean online) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no evaluation examples");
        }
        int buckets = model.numBuckets();
        double[] meanPredicted = new double[buckets];
        double[] observed = new double[buckets];
        double[] binConfidence = new double[CONFIDENCE_BINS];
        double[] binHits = new double[CONFIDENCE_BINS];
        int[] binCount = new int[CONFIDENCE_BINS];
        int hits = 0;
        double error = 0;
        double baselineError = 0;
        for (LengthExample e : examples) {
            double[] probabilities = online
                    ? model.learn(e, LearnedLengthPredictor.ONLINE_LEARNING_RATE, LearnedLengthPredictor.ONLINE_L2)
                    : model.probabilities(e.query());
            LengthDistribution d = new LengthDistribution(model.edges(), probabilities);
            int truth = e.outputTokens();
            int trueBucket = model.bucketOf(truth);
            int best = d.mostLikelyBucket();
            boolean hit = best == trueBucket;
            hits += hit ? 1 : 0;
            error += Math.abs(LearnedLengthPredictor.pointPrediction(model.distribution(e.query(), probabilities)) - truth);
            baselineError += Math.abs(model.trainingMean() - truth);
            for (int b = 0; b < buckets; b++) {
                meanPredicted[b] += d.probability(b);
            }
            observed[trueBucket]++;
            int bin = Math.min(CONFIDENCE_BINS - 1, (int) (d.probability(best) * CONFIDENCE_BINS));
            binConfidence[bin] += d.probability(best);
            binHits[bin] += hit ? 1 : 0;
            binCount[bin]++;
        }
        int n = examples.size();
        double ece = 0;
        for (int k = 0; k < CONFIDENCE_BINS; k++) {
            if (binCount[k] > 0) {
                ece += Math.abs(binConfidence[k] - binHits[k]) / n;
            }
        }
        for (int b = 0; b < buckets; b++) {
            meanPredicted[b] /= n;
            observed[b] /= n;
        }
        return new LengthEvaluation(n, hits / (double) n, error / n, baselineError / n, ece, meanPredicted, observed);
    }
}
