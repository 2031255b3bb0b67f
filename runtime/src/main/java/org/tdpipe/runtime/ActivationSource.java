package org.tdpipe.runtime;

/** The receiving end of the link from the previous stage; messages arrive in the order they were sent. */
public interface ActivationSource {
    /** The next message, waiting until one arrives. */
    StageMessage receive() throws InterruptedException;
}
