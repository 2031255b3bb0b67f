package org.tdpipe.model.format;

import java.nio.file.Path;
import java.util.Optional;
import org.tdpipe.model.tokenizer.Tokenizer;

/** A GGUF model file as a {@link ModelSource}: tensors are zero-copy views of the mapped file. */
public final class GgufModelSource extends AbstractModelSource {
    private final GgufFile file;

    private GgufModelSource(GgufFile file, ModelConfig config, Tokenizer tokenizer) {
        super(file.path().toString(), config, tokenizer);
        this.file = file;
    }

    /** Opens a GGUF model (architecture metadata, tensors and tokenizer are all required). */
    public static GgufModelSource open(Path path) {
        GgufFile file = GgufFile.open(path);
        try {
            ModelConfig config = GgufModelConfigs.read(file);
            Tokenizer tokenizer = file.tokenizer();
            CanonicalTensors.check(config, file::tensor, path.toString());
            return new GgufModelSource(file, config, tokenizer);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** The Jinja chat template ({@code tokenizer.chat_template}), if the file has one (not applied here). */
    @Override
    public Optional<String> chatTemplate() {
        return file.metadata().string("tokenizer.chat_template");
    }

    public GgufFile file() {
        return file;
    }

    @Override
    public Optional<TensorEntry> tensor(String name) {
        return file.tensor(name);
    }

    @Override
    public void close() {
        file.close();
    }
}
