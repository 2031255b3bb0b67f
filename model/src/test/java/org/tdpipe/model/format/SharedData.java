package org.tdpipe.model.format;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared data folder (system property {@code tdpipe.shared.data}); tests skip when it is absent. */
public final class SharedData {
    private SharedData() {
    }

    public static Path require(String relative) {
        String root = System.getProperty("tdpipe.shared.data");
        assumeTrue(root != null, "system property tdpipe.shared.data not set; skipping");
        Path path = Path.of(root).resolve(relative);
        assumeTrue(Files.exists(path), path + " absent; skipping");
        return path;
    }
}
