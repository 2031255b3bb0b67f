package org.tdpipe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.model.format.ModelConfig;

class ProfileCacheTest {
    @TempDir
    Path dir;

    private static final ModelConfig CONFIG = new ModelConfig("llama", 64, 128, 2, 4, 4, 16, 100, 256, 1e-5f, 10000f, null, false, true);

    private static Supplier<Profile> counting(AtomicInteger measured) {
        return () -> {
            measured.incrementAndGet();
            return new Profile("measured", new double[] {1.5, 2.5, 3.5});
        };
    }

    @Test
    void aSecondStartReusesTheCachedProfile() {
        ProfileCache cache = new ProfileCache(dir.resolve("cache"));
        ProfileKey key = ProfileKey.of("dummy:llama-260k", CONFIG, "T[n] 1..3, 1 thread");
        AtomicInteger measured = new AtomicInteger();
        ProfileCache.Entry<Profile> first = cache.profile(key, false, counting(measured));
        assertFalse(first.reused());
        ProfileCache.Entry<Profile> second = cache.profile(key, false, counting(measured));
        assertTrue(second.reused());
        assertEquals(1, measured.get());
        assertEquals(first.file(), second.file());
        assertEquals(3.5, second.profile().forwardMs(3));
        assertTrue(Files.isRegularFile(dir.resolve("cache").resolve(key.digest() + ".key")));

        ProfileCache.Entry<Profile> refreshed = cache.profile(key, true, counting(measured));
        assertFalse(refreshed.reused());
        assertEquals(2, measured.get());
    }

    @Test
    void anUnreadableEntryIsMeasuredAgain() throws IOException {
        ProfileCache cache = new ProfileCache(dir);
        ProfileKey key = ProfileKey.of("dummy:llama-260k", CONFIG, "T[n]");
        Files.writeString(dir.resolve(key.digest() + ".csv"), "garbage\n");
        AtomicInteger measured = new AtomicInteger();
        assertFalse(cache.profile(key, false, counting(measured)).reused());
        assertTrue(cache.profile(key, false, counting(measured)).reused());
        assertEquals(1, measured.get());
    }

    @Test
    void theKeyChangesWithTheModelFileTheHardwareShareAndTheMeasurement() throws IOException {
        Path model = dir.resolve("model.gguf");
        Files.writeString(model, "weights");
        ProfileKey key = ProfileKey.of(model.toString(), CONFIG, "T[n], 1 thread");
        assertEquals(key, ProfileKey.of(model.toString(), CONFIG, "T[n], 1 thread"));
        assertTrue(key.model().contains(model.toAbsolutePath().toString()) && key.model().contains("7 bytes"), key.model());
        assertNotEquals(key.digest(), ProfileKey.of(model.toString(), CONFIG, "T[n], 2 threads").digest());
        assertNotEquals(key.digest(), ProfileKey.of("dummy:llama-260k", CONFIG, "T[n], 1 thread").digest());
        Files.setLastModifiedTime(model, FileTime.fromMillis(Files.getLastModifiedTime(model).toMillis() + 60_000));
        assertNotEquals(key.digest(), ProfileKey.of(model.toString(), CONFIG, "T[n], 1 thread").digest());
        assertTrue(key.hardware().contains(Runtime.getRuntime().availableProcessors() + " processors"), key.hardware());
    }
}
