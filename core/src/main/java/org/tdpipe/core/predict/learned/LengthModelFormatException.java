package org.tdpipe.core.predict.learned;

/** A length model file that cannot be read; the message names the file and the problem. */
public final class LengthModelFormatException extends IllegalArgumentException {
    public LengthModelFormatException(String message) {
        super(message);
    }
}
