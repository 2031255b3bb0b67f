package org.tdpipe.model.structured;

/** A JSON Schema uses something structured output cannot enforce; the message names it and where it is. */
public final class UnsupportedSchemaException extends IllegalArgumentException {
    public UnsupportedSchemaException(String message) {
        super(message);
    }
}
