package org.tdpipe.core.timeline;

/**
 * The engine had a free in-flight slot from {@code freeSinceNanos} but launched nothing until it
 * launched batch {@code batchId} at {@code launchNanos}: the batch started late for a reason the
 * spans cannot show.
 *
 * @param waitingRequests requests waiting for admission when the slot was found free and unused
 */
public record Starvation(long batchId, long freeSinceNanos, long launchNanos, int waitingRequests) {
    public Starvation {
        if (launchNanos < freeSinceNanos) {
            throw new IllegalArgumentException("batch " + batchId + " launched at " + launchNanos
                    + " ns, before its slot became free at " + freeSinceNanos + " ns");
        }
        if (waitingRequests < 0) {
            throw new IllegalArgumentException("batch " + batchId + ": waiting requests must be >= 0, got " + waitingRequests);
        }
    }

    public long delayNanos() {
        return launchNanos - freeSinceNanos;
    }
}
