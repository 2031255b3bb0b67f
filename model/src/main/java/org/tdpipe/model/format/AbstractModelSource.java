package org.tdpipe.model.format;

import org.tdpipe.model.tokenizer.Tokenizer;

/** What every {@link ModelSource} holds once loaded: where it came from, its configuration and its tokenizer. */
public abstract class AbstractModelSource implements ModelSource {
    private final String location;
    private final ModelConfig config;
    private final Tokenizer tokenizer;

    protected AbstractModelSource(String location, ModelConfig config, Tokenizer tokenizer) {
        this.location = location;
        this.config = config;
        this.tokenizer = tokenizer;
    }

    @Override
    public final String location() {
        return location;
    }

    @Override
    public final ModelConfig config() {
        return config;
    }

    @Override
    public final Tokenizer tokenizer() {
        return tokenizer;
    }
}
