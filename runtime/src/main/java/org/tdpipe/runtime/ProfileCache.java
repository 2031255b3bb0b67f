package org.tdpipe.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Function;
import java.util.function.Supplier;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.core.profile.StageProfile;

/**
 * Measured profiles kept on disk so that a later start on the same model and hardware reuses them
 * instead of profiling again: one entry per {@link ProfileKey}, a file {@code <digest>.csv} (the
 * profile in its usual format) next to {@code <digest>.key} (the key spelled out, for people). An
 * unreadable entry is measured again and overwritten.
 */
public final class ProfileCache {
    /** A profile and where it came from. */
    public record Entry<T>(T profile, boolean reused, Path file) {
    }

    private final Path dir;

    public ProfileCache(Path dir) {
        this.dir = dir;
    }

    /** {@code $XDG_CACHE_HOME/tdpipe/profiles}, else {@code ~/.cache/tdpipe/profiles}. */
    public static Path defaultDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("tdpipe").resolve("profiles");
    }

    public Path dir() {
        return dir;
    }

    /** The cached {@code T[n]} profile of {@code key}, or {@code measure}'s, stored; {@code refresh} measures anyway. */
    public Entry<Profile> profile(ProfileKey key, boolean refresh, Supplier<Profile> measure) {
        return entry(key, refresh, measure, Profile::read, Profile::write);
    }

    /** The cached stage profile of {@code key}, or {@code measure}'s, stored; {@code refresh} measures anyway. */
    public Entry<StageProfile> stageProfile(ProfileKey key, boolean refresh, Supplier<StageProfile> measure) {
        return entry(key, refresh, measure, StageProfile::read, StageProfile::write);
    }

    private interface Writer<T> {
        void write(T profile, Path file) throws IOException;
    }

    private <T> Entry<T> entry(ProfileKey key, boolean refresh, Supplier<T> measure, Function<Path, T> read, Writer<T> write) {
        Path file = dir.resolve(key.digest() + ".csv");
        if (!refresh && Files.isRegularFile(file)) {
            try {
                return new Entry<>(read.apply(file), true, file);
            } catch (IllegalArgumentException e) {
                System.err.println("tdpipe: ignoring the unreadable cached profile " + file + " (" + e.getMessage() + "); measuring again");
            }
        }
        T measured = measure.get();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, key.digest(), ".tmp");
            write.write(measured, tmp);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(dir.resolve(key.digest() + ".key"), key.describe(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the profile cache " + file, e);
        }
        return new Entry<>(measured, false, file);
    }
}
