package org.tdpipe.core.profile;

/** A profile file that cannot be used; the message names the file and line. */
public final class ProfileFormatException extends IllegalArgumentException {
    public ProfileFormatException(String message) {
        super(message);
    }

    public ProfileFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
