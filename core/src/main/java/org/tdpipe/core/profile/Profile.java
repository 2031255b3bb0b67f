package org.tdpipe.core.profile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The TD-Pipe cost table: {@code T[n]}, the full-model forward time in milliseconds of a batch of
 * n tokens on one device (CSV header {@code Total Length,Execute Time}, rows n = 1..N). Lookups
 * past the last row extrapolate linearly through the origin from the last row, as the authors'
 * scheduler does ({@code T[N]·n/N}).
 *
 * <p>This is the scheduler's belief about costs. The simulator's "true" cost may be a different
 * model (Vidur's split between policy estimates and ground truth).
 */
public final class Profile {
    public static final String HEADER = "Total Length,Execute Time";

    private final String source;
    private final double[] ms; // ms[n - 1] = T[n]

    public Profile(String source, double[] forwardMsByTokens) {
        if (forwardMsByTokens.length == 0) {
            throw new IllegalArgumentException(source + ": profile has no rows");
        }
        for (int i = 0; i < forwardMsByTokens.length; i++) {
            double v = forwardMsByTokens[i];
            if (!(v > 0) || !Double.isFinite(v)) {
                throw new IllegalArgumentException(source + ": T[" + (i + 1) + "] must be a positive number, got " + v);
            }
        }
        this.source = source;
        this.ms = forwardMsByTokens.clone();
    }

    /** Reads a TD-Pipe profile CSV; errors name the file and the line. */
    public static Profile read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ProfileFormatException(file + ": cannot read profile (" + e.getMessage() + ")", e);
        }
        return parse(file.toString(), lines);
    }

    public static Profile parse(String source, List<String> lines) {
        if (lines.isEmpty() || !normalize(lines.get(0)).equalsIgnoreCase(HEADER)) {
            throw new ProfileFormatException(source + ":1: expected header '" + HEADER + "', got '"
                    + (lines.isEmpty() ? "" : lines.get(0).strip()) + "'");
        }
        double[] ms = new double[lines.size() - 1];
        int rows = 0;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = source + ":" + (i + 1) + ": ";
            String[] cells = line.split(",");
            if (cells.length != 2) {
                throw new ProfileFormatException(where + "expected 2 columns 'tokens,ms', got '" + line + "'");
            }
            int n;
            double t;
            try {
                n = (int) Math.round(Double.parseDouble(cells[0].strip()));
                t = Double.parseDouble(cells[1].strip());
            } catch (NumberFormatException e) {
                throw new ProfileFormatException(where + "not a number in '" + line + "'");
            }
            if (n != rows + 1) {
                throw new ProfileFormatException(where + "expected row for " + (rows + 1) + " tokens, got " + n
                        + " (rows must be consecutive from 1)");
            }
            if (!(t > 0) || !Double.isFinite(t)) {
                throw new ProfileFormatException(where + "execution time must be a positive number of ms, got " + cells[1].strip());
            }
            ms[rows++] = t;
        }
        if (rows == 0) {
            throw new ProfileFormatException(source + ": profile has a header but no rows");
        }
        return new Profile(source, java.util.Arrays.copyOf(ms, rows));
    }

    private static String normalize(String header) {
        return header.replace("\uFEFF", "").strip().replaceAll("\\s*,\\s*", ",");
    }

    public String source() {
        return source;
    }

    /** Largest token count with a measured row. */
    public int maxTokens() {
        return ms.length;
    }

    /** Full-model forward time (ms) for a batch of {@code tokens} tokens on one device. */
    public double forwardMs(int tokens) {
        if (tokens <= 0) {
            return 0;
        }
        if (tokens <= ms.length) {
            return ms[tokens - 1];
        }
        return ms[ms.length - 1] * tokens / ms.length;
    }

    /** Writes the table in the TD-Pipe CSV format. */
    public void write(Path file) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (int n = 1; n <= ms.length; n++) {
            sb.append(n).append(',').append(ms[n - 1]).append('\n');
        }
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }
}
