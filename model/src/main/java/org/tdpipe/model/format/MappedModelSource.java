package org.tdpipe.model.format;

import java.lang.foreign.Arena;
import java.util.Map;
import java.util.Optional;
import org.tdpipe.model.tokenizer.Tokenizer;

/**
 * A source whose tensors were all cut at load time out of files mapped into one arena; closing it
 * unmaps them.
 */
abstract class MappedModelSource extends AbstractModelSource {
    private final Map<String, TensorEntry> tensors;
    private final Arena arena;

    MappedModelSource(String location, ModelConfig config, Tokenizer tokenizer, Map<String, TensorEntry> tensors,
            Arena arena) {
        super(location, config, tokenizer);
        this.tensors = tensors;
        this.arena = arena;
    }

    @Override
    public final Optional<TensorEntry> tensor(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    @Override
    public final void close() {
        arena.close();
    }
}
