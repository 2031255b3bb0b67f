package org.tdpipe.core.predict;

import java.util.SplittableRandom;
import org.tdpipe.core.request.Request;

/**
 * The true length times a seeded log-normal error {@code exp(N(0, sigma²))}: a stand-in for a
 * learned predictor of known quality, for ablations. The error of a request depends only on the
 * seed and the request id, so it is the same whatever the arrival order.
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
}
