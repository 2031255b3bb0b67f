package org.tdpipe.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * The JSONL output of a batch run, resumable: opening it collects the ids already written, and
 * each result is appended as one whole line in a single write, so a killed run loses at most the
 * line being written. That line — bytes after the last line break — is a run's truncated tail: it
 * is dropped on opening and its request runs again. A complete line that is not a result is
 * someone else's edit and is refused, naming the line.
 */
final class ResultFile implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final Set<String> ids;

    private ResultFile(Path path, FileChannel channel, Set<String> ids) {
        this.path = path;
        this.channel = channel;
        this.ids = ids;
    }

    /** Opens (or creates) {@code path} for appending; a dropped truncated line is reported on {@code log}. */
    static ResultFile open(Path path, PrintStream log) {
        try {
            FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                byte[] bytes = Files.readAllBytes(path);
                int end = lastLineEnd(bytes);
                Set<String> ids = ids(path, new String(bytes, 0, end, StandardCharsets.UTF_8));
                if (end < bytes.length) {
                    channel.truncate(end);
                    log.printf("%s: dropped a truncated last line (%d bytes, from an interrupted run); its request runs again%n",
                            path, bytes.length - end);
                }
                channel.position(end);
                return new ResultFile(path, channel, ids);
            } catch (RuntimeException | IOException e) {
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot open the output: " + e.getMessage(), e);
        }
    }

    /** Ids of the results already in the file. */
    Set<String> ids() {
        return Set.copyOf(ids);
    }

    /** Appends {@code line} and a line break in one write. */
    synchronized void append(String line) {
        ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot write: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot close: " + e.getMessage(), e);
        }
    }

    private static int lastLineEnd(byte[] bytes) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
        }
        return 0;
    }

    private static Set<String> ids(Path path, String complete) {
        ObjectMapper json = new ObjectMapper();
        Set<String> ids = new HashSet<>();
        String[] lines = complete.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            JsonNode id;
            try {
                id = json.readTree(lines[i]).get("id");
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(path + " line " + (i + 1) + " is not a result (not valid JSON: "
                        + e.getOriginalMessage() + "); fix or remove it, or write to another --output");
            }
            if (id == null || !id.isTextual()) {
                throw new IllegalArgumentException(path + " line " + (i + 1) + " is not a result (no string id); fix or remove it, or write to another --output");
            }
            ids.add(id.asText());
        }
        return ids;
    }
}
