package org.tdpipe.model.format;

/** A model or tokenizer file that cannot be read: the message names the file and what is wrong with it. */
public class ModelFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelFormatException(String location, String problem) {
        super(location + ": " + problem);
    }

    public ModelFormatException(String location, String problem, Throwable cause) {
        super(location + ": " + problem, cause);
    }
}
