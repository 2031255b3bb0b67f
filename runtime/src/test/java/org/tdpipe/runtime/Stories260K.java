package org.tdpipe.runtime;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tdpipe.model.ModelSources;
import org.tdpipe.model.format.ModelSource;

/** The shared stories260K model and its llama2.c greedy reference; tests skip when the shared data is absent. */
public final class Stories260K {
    private Stories260K() {
    }

    public static Path file(String name) {
        String root = System.getProperty("tdpipe.shared.data");
        assumeTrue(root != null, "system property tdpipe.shared.data not set; skipping");
        Path path = Path.of(root, "models", "stories260K", name);
        assumeTrue(Files.exists(path), path + " absent; skipping");
        return path;
    }

    public static ModelSource open() {
        return ModelSources.open(file("stories260K.gguf").toString());
    }

    /** llama2.c's greedy continuation from BOS, BOS included. */
    public static int[] greedyReference() {
        try {
            JsonNode tokens = new ObjectMapper().readTree(file("reference_greedy_200.json").toFile()).get("tokens_including_bos");
            int[] out = new int[tokens.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = tokens.get(i).asInt();
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
