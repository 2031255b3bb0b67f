package org.tdpipe.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.tdpipe.runtime.ProfileCache;
import picocli.CommandLine.Option;

/** Where profiles measured at start-up are cached (a picocli mixin). */
final class ProfileCacheOptions {
    @Option(names = "--profile-cache", description = "Folder of cached start-up profiles, keyed by model and hardware (default: $XDG_CACHE_HOME/tdpipe/profiles, else ~/.cache/tdpipe/profiles)")
    Path dir;

    @Option(names = "--no-profile-cache", description = "Measure the start-up profiles and neither read nor write the cache")
    boolean disabled;

    @Option(names = "--refresh-profile", description = "Measure the start-up profiles again and overwrite the cached ones")
    boolean refresh;

    /** The cache, or empty when disabled. */
    Optional<ProfileCache> cache() {
        if (disabled && (dir != null || refresh)) {
            throw new IllegalArgumentException("--no-profile-cache cannot be combined with --profile-cache or --refresh-profile");
        }
        return disabled ? Optional.empty() : Optional.of(new ProfileCache(dir != null ? dir : ProfileCache.defaultDir()));
    }

    /** Says whether {@code what} profile was reused or measured and cached, and where. */
    static void report(ProfileCache.Entry<?> entry, String what, PrintStream out) {
        out.printf(Locale.ROOT, "%s %s profile %s (--refresh-profile measures again, --no-profile-cache skips the cache)%n",
                entry.reused() ? "Reused the cached" : "Cached the", what, entry.file());
    }
}
