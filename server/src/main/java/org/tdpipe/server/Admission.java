package org.tdpipe.server;

import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.tdpipe.core.engine.EngineListener;
import org.tdpipe.core.engine.OnlineEngine;
import org.tdpipe.core.request.Request;

/**
 * Admits the engine requests of one API call all together or not at all: refused with 429 when
 * they would make the waiting queue (requests not yet started, or preempted) longer than
 * {@code maxWaiting}, with 503 when the engine no longer accepts work.
 */
final class Admission {
    /** What a 429 tells the client to wait before retrying. */
    static final int RETRY_AFTER_SECONDS = 1;

    private final OnlineEngine engine;
    private final int maxWaiting;

    Admission(OnlineEngine engine, int maxWaiting) {
        this.engine = engine;
        this.maxWaiting = maxWaiting;
    }

    synchronized void submit(List<Request> requests, List<? extends EngineListener> listeners) {
        int waiting = engine.numWaiting();
        if (waiting + requests.size() > maxWaiting) {
            throw ApiException.tooManyRequests("the waiting queue is full (" + waiting + " of " + maxWaiting
                    + " requests waiting); retry later", RETRY_AFTER_SECONDS);
        }
        try {
            for (int i = 0; i < requests.size(); i++) {
                engine.submit(requests.get(i), listeners.get(i));
            }
        } catch (RejectedExecutionException e) {
            requests.forEach(r -> engine.abort(r.id())); // those submitted before the engine stopped accepting
            throw ApiException.unavailable(e.getMessage());
        }
    }
}
