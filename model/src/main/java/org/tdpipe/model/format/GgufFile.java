package org.tdpipe.model.format;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import org.tdpipe.model.tokenizer.Tokenizer;

/**
 * A memory-mapped GGUF file (versions 2 and 3): metadata and tensors, whose {@link TensorEntry#data()}
 * are zero-copy slices of the mapping, and its tokenizer. Vocabulary-only files (no tensors, no
 * architecture) open fine; {@link GgufModelSource} adapts a model file to {@link ModelSource}. Closing the file
 * unmaps it; tensor segments must not be used afterwards.
 */
public final class GgufFile implements AutoCloseable {
    private final Path path;
    private final int version;
    private final GgufMetadata metadata;
    private final Map<String, TensorEntry> tensors;
    private final Arena arena;

    GgufFile(Path path, int version, GgufMetadata metadata, Map<String, TensorEntry> tensors, Arena arena) {
        this.path = path;
        this.version = version;
        this.metadata = metadata;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.arena = arena;
    }

    /** Maps and parses {@code path}; fails with a {@link ModelFormatException} if it is not a valid GGUF file. */
    public static GgufFile open(Path path) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment mapped = MappedFiles.map(path, arena);
            return GgufReader.read(path, mapped, arena);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    public GgufMetadata metadata() {
        return metadata;
    }

    /** All tensors in file order, by their GGUF name. */
    public Map<String, TensorEntry> tensors() {
        return tensors;
    }

    public Optional<TensorEntry> tensor(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /** The tokenizer described by the {@code tokenizer.ggml.*} metadata (built anew on each call). */
    public Tokenizer tokenizer() {
        return GgufTokenizers.fromMetadata(metadata, path.toString());
    }

    @Override
    public void close() {
        arena.close();
    }
}
