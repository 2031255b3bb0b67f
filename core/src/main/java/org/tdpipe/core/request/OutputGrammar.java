package org.tdpipe.core.request;

import java.util.BitSet;

/**
 * A grammar a request's output must follow (structured output, e.g. a JSON schema), compiled for
 * one vocabulary: each request walks it with its own {@link Cursor}, which says at every step
 * which tokens may come next.
 */
public interface OutputGrammar {
    /** A cursor at the start of an output. */
    Cursor start();

    /** Where one output is in the grammar. Used from the engine thread only. */
    interface Cursor {
        /** The tokens that may come next: those that continue a valid document, and EOS once it is complete. */
        BitSet allowed();

        /** Advances past {@code token}, one of {@link #allowed}. */
        void accept(int token);
    }
}
