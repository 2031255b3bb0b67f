package org.tdpipe.core.request;

/**
 * Lifecycle of a request (DESIGN §4): WAITING → RUNNING (in a batch in flight) → READY (its token
 * returned) → RUNNING … → FINISHED. Preemption by recompute sends a READY request back to WAITING.
 */
public enum RequestStatus {
    WAITING,
    RUNNING,
    READY,
    FINISHED;
}
