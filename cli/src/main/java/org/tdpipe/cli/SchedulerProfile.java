package org.tdpipe.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.runtime.ProfileCache;
import org.tdpipe.runtime.ProfileKey;
import org.tdpipe.runtime.Profiler;

/** The cost profile the TD-Pipe policies plan with: this machine's, measured now or cached from an earlier start. */
final class SchedulerProfile {
    private SchedulerProfile() {
    }

    /**
     * {@code T[n]} for n = 1..maxTokens: reused from the cache when this model was profiled the same way
     * on this hardware before, else measured now and cached ({@code reused} false and no file when the
     * cache is off).
     */
    static ProfileCache.Entry<Profile> cachedOrMeasured(String modelSpec, ModelSource source, int threads, int repeats,
            int maxTokens, ProfileCacheOptions cacheOptions, PrintStream log) {
        Supplier<Profile> measure = () -> measure(source, threads, repeats, maxTokens, log);
        Optional<ProfileCache> cache = cacheOptions.cache();
        if (cache.isEmpty()) {
            return new ProfileCache.Entry<>(measure.get(), false, null);
        }
        ProfileKey key = ProfileKey.of(modelSpec, source.config(), String.format(Locale.ROOT,
                "T[n] for n = 1..%d, %d repeats, %d thread(s)", maxTokens, repeats, threads));
        ProfileCache.Entry<Profile> entry = cache.get().profile(key, cacheOptions.refresh, measure);
        ProfileCacheOptions.report(entry, "T[n]", log);
        return entry;
    }

    /** {@code T[n]} for n = 1..maxTokens with {@code threads} kernel threads; says how long it took on {@code log}. */
    static Profile measure(ModelSource source, int threads, int repeats, int maxTokens, PrintStream log) {
        long start = System.nanoTime();
        Profile measured = new Profiler(source, threads, repeats).measure(maxTokens);
        log.printf(Locale.ROOT, "Profiled T[n] for n = 1..%d in %.1f s: T[1] = %.2f ms, T[%d] = %.2f ms%n", measured.maxTokens(),
                (System.nanoTime() - start) / 1e9, measured.forwardMs(1), measured.maxTokens(), measured.forwardMs(measured.maxTokens()));
        return measured;
    }
}
