package org.tdpipe.core.predict;

import java.util.Optional;
import org.tdpipe.core.request.Request;

/**
 * Predicts a request's total output length in tokens (DESIGN §2.2). Called once per request when
 * it arrives; {@link #observe} feeds back the true length of every finished request.
 */
public interface LengthPredictor {
    String name();

    int predictOutputLength(Request request);

    /** The predicted distribution of the output length, for predictors that have one. */
    default Optional<LengthDistribution> predictDistribution(Request request) {
        return Optional.empty();
    }

    default void observe(Request finished) {
    }

    /**
     * How well the predictor did on recently finished requests (scored as they are
     * {@linkplain #observe observed}); {@link RecentAccuracy#NONE} for predictors that do not track
     * it. Safe to call from any thread, e.g. for a metric.
     */
    default RecentAccuracy recentAccuracy() {
        return RecentAccuracy.NONE;
    }
}
