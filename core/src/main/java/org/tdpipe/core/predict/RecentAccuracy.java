package org.tdpipe.core.predict;

/**
 * Prediction quality over the last {@code count} finished requests.
 *
 * @param bucketAccuracy fraction whose most likely predicted bucket held the true length (NaN when
 *     {@code count} is 0)
 * @param meanAbsoluteError mean |predicted − true| output length in tokens (NaN when {@code count} is 0)
 */
public record RecentAccuracy(int count, double bucketAccuracy, double meanAbsoluteError) {
    /** Nothing scored (yet, or ever for predictors that do not track their accuracy). */
    public static final RecentAccuracy NONE = new RecentAccuracy(0, Double.NaN, Double.NaN);
}
