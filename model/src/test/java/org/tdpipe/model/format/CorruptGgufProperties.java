package org.tdpipe.model.format;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.constraints.IntRange;

/** Damaged copies of stories260K.gguf either load or fail with a {@link ModelFormatException}, nothing else. */
@AddLifecycleHook(SkipWithoutSharedData.class)
class CorruptGgufProperties {
    private static final byte[] ORIGINAL = load();

    private static byte[] load() {
        String root = System.getProperty("tdpipe.shared.data");
        Path path = root == null ? null : Path.of(root, "models/stories260K/stories260K.gguf");
        try {
            return path != null && Files.exists(path) ? Files.readAllBytes(path) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(byte[] bytes) throws IOException {
        Path file = Files.createTempFile("corrupt", ".gguf");
        Files.write(file, bytes);
        return file;
    }

    @Property(tries = 60)
    void anyTruncationFails(@ForAll @IntRange(min = 0, max = 1_000_000) int cut) throws IOException {
        Path file = write(Arrays.copyOf(ORIGINAL, cut % ORIGINAL.length));
        try {
            assertThrows(ModelFormatException.class, () -> GgufModelSource.open(file).close());
        } finally {
            Files.delete(file);
        }
    }

    /** Flips bytes in the header, metadata and tensor-info region (the first 16 KiB). */
    @Property(tries = 200)
    void corruptedHeaderLoadsOrFailsCleanly(@ForAll @IntRange(min = 0, max = 16383) int at,
            @ForAll @IntRange(min = 1, max = 255) int flip) throws IOException {
        byte[] bytes = ORIGINAL.clone();
        bytes[at] ^= (byte) flip;
        Path file = write(bytes);
        try {
            GgufModelSource.open(file).close();
        } catch (ModelFormatException expected) {
            // a clear error is the other acceptable outcome
        } finally {
            Files.delete(file);
        }
    }
}
