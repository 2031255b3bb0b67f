package org.tdpipe.cli;

import java.nio.file.Path;

/** The shared data folder beside the project ({@code ../shared/data}); the launcher passes its location. */
final class SharedData {
    private SharedData() {
    }

    static Path path(String relative) {
        String root = System.getProperty("tdpipe.shared.data", "../shared/data");
        return Path.of(root).resolve(relative).normalize();
    }
}
