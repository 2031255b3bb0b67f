package org.tdpipe.core;

/** Facts about tdpipe itself. */
public final class Tdpipe {
    /** The release, as {@code tdpipe --version} and the server's {@code /version} report it. */
    public static final String VERSION = "0.1.0";

    private Tdpipe() {
    }
}
