package org.tdpipe.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates {@code ../shared/data}; tests that need it skip with a message when it is absent. */
public final class SharedData {
    private SharedData() {
    }

    public static Path root() {
        String prop = System.getProperty("tdpipe.shared.data");
        return Path.of(prop != null ? prop : "../shared/data");
    }

    /** The file under the shared data folder, or the calling test is skipped. */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        assumeTrue(Files.isRegularFile(p), "shared data file " + p + " is absent; skipping");
        return p;
    }
}
