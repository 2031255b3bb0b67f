package org.tdpipe.runtime;

import java.time.Duration;

/**
 * What the controller does once its pipeline broke (a worker died, hung, became unreachable or
 * held a batch past its deadline). With {@link Action#SHUTDOWN} the requests whose KV cache the
 * pipeline held end with an error naming the cause, and every later batch fails as well, so the
 * run ends. With {@link Action#WAIT} the controller reconnects to its workers every
 * {@code retryInterval} (a new handshake: model identity, layers, an empty KV cache); the requests
 * whose KV cache was lost are preempted by recompute from the tokens the controller holds, and
 * their batches, like those of requests that had not started, wait for the workers and then run.
 * If the workers are not all back within {@code giveUpAfter}, every waiting batch fails naming the
 * cause, and it shuts down as above.
 */
public record WorkerFailurePolicy(Action action, Duration retryInterval, Duration giveUpAfter) {
    public static final WorkerFailurePolicy SHUTDOWN =
            new WorkerFailurePolicy(Action.SHUTDOWN, Duration.ofSeconds(1), Duration.ofSeconds(1));

    /** What happens after a failure. */
    public enum Action {
        SHUTDOWN,
        WAIT
    }

    public WorkerFailurePolicy {
        if (retryInterval.isNegative() || retryInterval.isZero() || giveUpAfter.isNegative() || giveUpAfter.isZero()) {
            throw new IllegalArgumentException("worker failure retry interval and give-up time must be positive, got "
                    + retryInterval + " and " + giveUpAfter);
        }
    }

    /** Reconnects every {@code retryInterval} for up to {@code giveUpAfter}. */
    public static WorkerFailurePolicy waitFor(Duration retryInterval, Duration giveUpAfter) {
        return new WorkerFailurePolicy(Action.WAIT, retryInterval, giveUpAfter);
    }

    public boolean waits() {
        return action == Action.WAIT;
    }
}
