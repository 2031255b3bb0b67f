package org.tdpipe.core.engine;

import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.request.Request;

/** Streams results out of the engine thread (to a client, a file, a progress bar). */
public interface EngineListener {
    EngineListener NONE = new EngineListener() {
    };

    /**
     * {@code token} (with its log-probabilities, as the executor returned it) was appended to
     * {@code request}. Return false to finish it now with reason STOP — how a front-end that owns
     * the tokenizer enforces stop strings.
     */
    default boolean onToken(Request request, SampledToken token) {
        return true;
    }

    /** The request finished (any reason); it will not be mentioned again. */
    default void onFinished(Request request) {
    }

    /** Tells {@code first}, then {@code second}; a request stops when either asks. */
    static EngineListener both(EngineListener first, EngineListener second) {
        return new EngineListener() {
            @Override
            public boolean onToken(Request request, SampledToken token) {
                boolean firstGoesOn = first.onToken(request, token);
                return second.onToken(request, token) && firstGoesOn;
            }

            @Override
            public void onFinished(Request request) {
                first.onFinished(request);
                second.onFinished(request);
            }
        };
    }
}
