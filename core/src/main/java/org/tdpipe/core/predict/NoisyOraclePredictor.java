package org.tdpipe.core.predict;

import java.util.Optional;
import java.util.SplittableRandom;
import org.tdpipe.core.request.Request;

/**
 * The true length times a seeded log-normal error {@code exp(N(0, sigma²))}: a stand-in for a
 * learned predictor of known quality, for ablations. The error of a request depends only on the
 * seed and the request id, so it is the same whatever the arrival order. Its distribution is the
 * one its error level implies: the truth is the prediction times {@code exp(N(0, sigma²))} (the
 * noise is symmetric in log space), so a quantile q of the distribution lies above the truth for
 * a fraction q of the requests. Neither is capped at {@code max_tokens}, which in the benchmark
 * protocol is the truth.
 */
public final class NoisyOraclePredictor implements LengthPredictor {
    private final double sigma;
    private final long seed;

    public NoisyOraclePredictor(double sigma, long seed) {
        if (!(sigma >= 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("noise sigma must be a finite number >= 0, got " + sigma);
        }
        this.sigma = sigma;
        this.seed = seed;
    }

    @Override
    public String name() {
        return "noisy-oracle:" + sigma;
    }

    @Override
    public int predictOutputLength(Request request) {
        double z = new SplittableRandom(seed ^ (request.id() * 0x9E3779B97F4A7C15L)).nextGaussian();
        double predicted = request.sampling().maxTokens() * Math.exp(sigma * z);
        return (int) Math.max(1, Math.round(predicted));
    }

    @Override
    public Optional<LengthDistribution> predictDistribution(Request request) {
        return Optional.of(LogNormalLengths.around(predictOutputLength(request), sigma));
    }
}
