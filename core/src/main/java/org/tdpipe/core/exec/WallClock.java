package org.tdpipe.core.exec;

/** Monotonic wall time, starting at 0 when created. */
public final class WallClock implements Clock {
    private final long origin = System.nanoTime();

    @Override
    public long nanos() {
        return System.nanoTime() - origin;
    }
}
