package org.tdpipe.core.sched.tdpipe;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import org.tdpipe.core.predict.LengthDistribution;
import org.tdpipe.core.predict.LengthPredictor;
import org.tdpipe.core.request.Request;

/**
 * A distribution-aware variant of {@link MemorySimulation}: instead of a request's point prediction
 * it uses the predicted distribution of its output length L. A request of current length
 * {@code len} that has generated {@code g} tokens and is still running (so {@code L > g}) adds to
 * checkpoint {@code m} its expected footprint
 * {@code P(L >= g + m | L > g) × ceil((len + m) / blockSize)}, so the usage at a checkpoint is the
 * expected number of blocks in use then (by linearity, whatever the correlation between requests).
 *
 * <p>We plan on the expectation rather than on a per-request quantile: quantiles do not add up
 * (the sum of per-request 90% quantiles overstates the 90% quantile of the total many times over
 * for hundreds of requests), while the policy's prefill stop fraction already leaves the margin
 * for the spread of the total. Requests that outlived their prediction stay in the simulation: the
 * conditional distribution re-predicts their remaining length, and one the prediction gave no
 * chance is expected to live on for up to as long again ({@link LengthDistribution#givenAtLeast}).
 * Predictors without a distribution count as a point mass at their point prediction.
 *
 * <p>Distributions are asked once per request and cached for two rebuild generations, so the
 * cache holds only the requests recently in the simulation.
 */
public final class DistributionMemorySimulation implements KvUsageForecast {
    private final int blockSize;
    private final int[] checkpoints;
    private final double[] usage;
    private final LengthPredictor predictor;
    private Map<Request, LengthDistribution> current = new IdentityHashMap<>();
    private Map<Request, LengthDistribution> previous = new IdentityHashMap<>();

    public DistributionMemorySimulation(int blockSize, int[] checkpoints, LengthPredictor predictor) {
        if (blockSize < 1 || checkpoints.length == 0) {
            throw new IllegalArgumentException("need a block size >= 1 and at least one checkpoint");
        }
        this.blockSize = blockSize;
        this.checkpoints = checkpoints.clone();
        this.usage = new double[checkpoints.length];
        this.predictor = Objects.requireNonNull(predictor, "the distribution-aware memory simulation needs a length predictor");
    }

    /** Empties the simulation; distributions of requests not added since the previous clear are forgotten. */
    @Override
    public void clear() {
        Arrays.fill(usage, 0);
        previous = current;
        current = new IdentityHashMap<>();
    }

    /** Adds a request about to be prefilled: the same expectation as for one in flight. */
    @Override
    public void addNew(Request request) {
        addInFlight(request);
    }

    /** Adds a request at its current length, conditioning on the tokens it has generated. */
    @Override
    public void addInFlight(Request request) {
        int generated = request.numOutputTokens();
        LengthDistribution remaining = distribution(request).givenAtLeast(generated + 1);
        int length = request.numTokens();
        for (int i = 0; i < checkpoints.length; i++) {
            double alive = remaining.survival(generated + checkpoints[i]);
            if (alive == 0) {
                break;
            }
            usage[i] += alive * ((length + checkpoints[i] + blockSize - 1) / blockSize);
        }
    }

    /** The predicted peak, in expected blocks, over all checkpoints. */
    @Override
    public double predictedPeak() {
        double max = 0;
        for (double u : usage) {
            max = Math.max(max, u);
        }
        return max;
    }

    /** Expected blocks in use at checkpoint {@code i}. */
    public double usageAt(int i) {
        return usage[i];
    }

    private LengthDistribution distribution(Request r) {
        LengthDistribution d = current.get(r);
        if (d == null) {
            d = previous.get(r);
            if (d == null) {
                d = predictor.predictDistribution(r).orElseGet(() -> LengthDistribution.pointMass(r.predictedOutputLength()));
            }
            current.put(r, d);
        }
        return d;
    }
}
