package org.tdpipe.cli;

import java.io.PrintStream;
import java.util.Locale;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.runtime.Profiler;

/** Measures the cost profile the TD-Pipe policies plan with, on this machine, now. */
final class SchedulerProfile {
    private SchedulerProfile() {
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
