package org.tdpipe.model.format;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Read-only memory mapping of whole files into an {@link Arena} (no 2 GB limit, unmapped when the arena closes). */
public final class MappedFiles {
    private MappedFiles() {
    }

    public static MemorySegment map(Path path, Arena arena) {
        if (!Files.isRegularFile(path)) {
            throw new ModelFormatException(path.toString(), "not a readable file");
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
        } catch (IOException e) {
            throw new ModelFormatException(path.toString(), "cannot map: " + e.getMessage(), e);
        }
    }
}
