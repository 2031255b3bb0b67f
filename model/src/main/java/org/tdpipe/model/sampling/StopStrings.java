package org.tdpipe.model.sampling;

import java.util.List;
import java.util.Optional;

/**
 * Finds the first stop string in generated text (OpenAI / vLLM {@code stop}): the output is cut
 * before it and the request finishes with reason "stop".
 */
public final class StopStrings {
    private final List<String> stops;
    private final int longest;

    public StopStrings(List<String> stops) {
        for (String s : stops) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("stop strings must not be empty");
            }
        }
        this.stops = List.copyOf(stops);
        this.longest = stops.stream().mapToInt(String::length).max().orElse(0);
    }

    public boolean isEmpty() {
        return stops.isEmpty();
    }

    /** Length of the longest stop string (0 without any). */
    public int longest() {
        return longest;
    }

    /**
     * The earliest stop string in {@code text}, if any. Only matches that end at or after
     * {@code newFrom} (text added since the last check) are looked for.
     */
    public Optional<Match> find(String text, int newFrom) {
        int from = Math.max(0, newFrom - longest + 1);
        Match best = null;
        for (String s : stops) {
            int at = text.indexOf(s, from);
            if (at >= 0 && (best == null || at < best.start())) {
                best = new Match(at, at + s.length());
            }
        }
        return Optional.ofNullable(best);
    }

    /** Where a stop string was found: {@code text.substring(start, end)} is the stop string. */
    public record Match(int start, int end) {
    }
}
