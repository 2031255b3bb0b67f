package org.tdpipe.core.request;

/** A sampling parameter out of range; {@link #field} names it as vLLM's {@code SamplingParams} does. */
public final class InvalidSamplingException extends IllegalArgumentException {
    private final String field;

    public InvalidSamplingException(String field, String message) {
        super(field + " " + message);
        this.field = field;
    }

    /** The parameter's name, e.g. {@code top_p}. */
    public String field() {
        return field;
    }
}
