package org.tdpipe.core.exec;

/** Simulated time: only moves when the discrete-event simulation advances it. */
public final class VirtualClock implements Clock {
    private long now;

    @Override
    public long nanos() {
        return now;
    }

    /** Moves time forward to {@code nanos} (never backwards). */
    public void advanceTo(long nanos) {
        if (nanos < now) {
            throw new IllegalStateException("virtual time cannot go back from " + now + " to " + nanos);
        }
        now = nanos;
    }
}
