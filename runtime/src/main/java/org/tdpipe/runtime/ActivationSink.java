package org.tdpipe.runtime;

/** The sending end of the link from one stage to the next. */
public interface ActivationSink {
    /** Sends a message; may block while the link is full. */
    void send(StageMessage message) throws InterruptedException;
}
