package org.tdpipe.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A request to stop a running generation early — from SIGINT / SIGTERM, or from a test — and the
 * hand-shake that lets the run write out what finished before the JVM exits: the signal's shutdown
 * hook asks the run to stop and waits (at most a grace period) until the run says it has {@link #settled()}.
 */
final class RunInterruption implements AutoCloseable {
    /** Thrown out of the engine loop to stop the run. */
    static final class Interrupted extends RuntimeException {
        Interrupted(String reason) {
            super(reason, null, false, false);
        }
    }

    private final CountDownLatch settled = new CountDownLatch(1);
    private volatile String reason;
    private Thread hook;

    /** An interruption that only {@link #request(String)} triggers. */
    RunInterruption() {
    }

    /** An interruption triggered by SIGINT or SIGTERM; the JVM waits up to {@code grace} for the run to settle. */
    static RunInterruption onSignals(Duration grace) {
        RunInterruption interruption = new RunInterruption();
        interruption.hook = Thread.ofPlatform().name("tdpipe-interrupt").unstarted(() -> {
            interruption.request("interrupted by a signal");
            try {
                interruption.settled.await(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(interruption.hook);
        return interruption;
    }

    void request(String why) {
        if (reason == null) {
            reason = why;
        }
    }

    boolean requested() {
        return reason != null;
    }

    /** Throws {@link Interrupted} once a stop was requested. */
    void throwIfRequested() {
        String why = reason;
        if (why != null) {
            throw new Interrupted(why);
        }
    }

    /** The run has written everything it will write; a waiting shutdown hook may let the JVM exit. */
    void settled() {
        settled.countDown();
    }

    @Override
    public void close() {
        settled();
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it returns now that the run has settled
            }
        }
    }
}
