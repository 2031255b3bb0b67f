package org.tdpipe.core.predict.learned;

import org.tdpipe.core.predict.RecentAccuracy;

/**
 * A fixed-size ring of the latest (prediction, truth) outcomes with running sums. Recorded on the
 * engine thread, read from any thread (a metrics scrape).
 */
final class AccuracyWindow {
    private final boolean[] hit;
    private final int[] absError;
    private int next;
    private int count;
    private int hits;
    private long errorSum;

    AccuracyWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("accuracy window must hold >= 1 request, got " + capacity);
        }
        hit = new boolean[capacity];
        absError = new int[capacity];
    }

    synchronized void record(boolean bucketHit, int predicted, int truth) {
        if (count == hit.length) {
            hits -= hit[next] ? 1 : 0;
            errorSum -= absError[next];
        } else {
            count++;
        }
        hit[next] = bucketHit;
        absError[next] = Math.abs(predicted - truth);
        hits += bucketHit ? 1 : 0;
        errorSum += absError[next];
        next = (next + 1) % hit.length;
    }

    synchronized RecentAccuracy snapshot() {
        return count == 0
                ? RecentAccuracy.NONE
                : new RecentAccuracy(count, hits / (double) count, errorSum / (double) count);
    }
}
