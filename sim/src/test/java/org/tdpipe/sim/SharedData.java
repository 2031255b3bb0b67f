package org.tdpipe.sim;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared/data for tests; skips the test when it is absent. */
public final class SharedData {
    private SharedData() {
    }

    public static Path file(String relative) {
        String root = System.getProperty("tdpipe.shared.data");
        assumeTrue(root != null, "system property tdpipe.shared.data not set; skipping test that needs shared data");
        Path file = Path.of(root).resolve(relative);
        assumeTrue(Files.isRegularFile(file), "shared data file " + file + " is absent; skipping");
        return file;
    }
}
