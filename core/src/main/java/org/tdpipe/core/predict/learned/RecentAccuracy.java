package org.tdpipe.core.predict.learned;

/**
 * Prediction quality over the last {@code count} finished requests.
 *
 * @param bucketAccuracy fraction whose most likely predicted bucket held the true length
 * @param meanAbsoluteError mean |predicted − true| output length in tokens
 */
public record RecentAccuracy(int count, double bucketAccuracy, double meanAbsoluteError) {
}
