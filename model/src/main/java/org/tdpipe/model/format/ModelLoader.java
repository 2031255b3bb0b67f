package org.tdpipe.model.format;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Opens a model from a path, detecting its format: a GGUF file, a llama2.c checkpoint ({@code .bin}, with
 * its tokenizer beside it as {@code tokenizer.bin} or {@code tok*.bin}, or given explicitly) or a Hugging
 * Face folder ({@code config.json}, {@code *.safetensors}, {@code tokenizer.json}). Other schemes (e.g.
 * synthetic {@code dummy:} models) are dispatched by the caller before reaching this class.
 */
public final class ModelLoader {
    private static final byte[] GGUF_MAGIC = {'G', 'G', 'U', 'F'};
    private static final String SUPPORTED = "a .gguf file, a llama2.c .bin checkpoint, or a Hugging Face folder with config.json";

    private ModelLoader() {
    }

    public static ModelSource open(String spec) {
        Path path = Path.of(spec);
        if (Files.isDirectory(path)) {
            return HuggingFaceModelSource.open(path);
        }
        if (!Files.isRegularFile(path)) {
            throw new ModelFormatException(spec, "no such file or folder");
        }
        if (startsWith(path, GGUF_MAGIC)) {
            return GgufModelSource.open(path);
        }
        if (path.getFileName().toString().endsWith(".bin")) {
            return Llama2cModelSource.open(path, findLlama2cTokenizer(path));
        }
        throw new ModelFormatException(spec, "unknown model format; supported: " + SUPPORTED);
    }

    /** A llama2.c checkpoint with an explicitly given tokenizer file. */
    public static ModelSource open(String checkpoint, String tokenizer) {
        return Llama2cModelSource.open(Path.of(checkpoint), Path.of(tokenizer));
    }

    private static boolean startsWith(Path path, byte[] magic) {
        try (InputStream in = Files.newInputStream(path)) {
            return Arrays.equals(in.readNBytes(magic.length), magic);
        } catch (IOException e) {
            throw new ModelFormatException(path.toString(), "cannot read: " + e.getMessage(), e);
        }
    }

    static Path findLlama2cTokenizer(Path checkpoint) {
        Path dir = checkpoint.toAbsolutePath().getParent();
        Path standard = dir.resolve("tokenizer.bin");
        if (Files.isRegularFile(standard)) {
            return standard;
        }
        List<Path> candidates;
        try (Stream<Path> files = Files.list(dir)) {
            candidates = files.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith("tok") && name.endsWith(".bin") && !p.equals(checkpoint.toAbsolutePath());
            }).sorted().toList();
        } catch (IOException e) {
            throw new ModelFormatException(dir.toString(), "cannot list: " + e.getMessage(), e);
        }
        if (candidates.size() != 1) {
            throw new ModelFormatException(checkpoint.toString(), (candidates.isEmpty() ? "no tokenizer.bin or tok*.bin beside it"
                    : "several tokenizers beside it " + candidates) + "; give the tokenizer explicitly");
        }
        return candidates.get(0);
    }
}
