package org.tdpipe.sim.workload;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads request-length traces, recognising the format by its header:
 * <ul>
 *   <li>ShareGPT statistics (sarathi-serve): {@code num_prefill_tokens,num_decode_tokens,num_total_tokens,pd_ratio};
 *   <li>Azure LLM inference (Splitwise): {@code TIMESTAMP,ContextTokens,GeneratedTokens} with
 *       timestamps like {@code 2023-11-16 18:15:46.6805900}; arrivals are offsets from the earliest row.
 * </ul>
 * Errors name the file and the line.
 */
public final class TraceReader {
    static final String SHAREGPT_HEADER = "num_prefill_tokens,num_decode_tokens,num_total_tokens,pd_ratio";
    static final String AZURE_HEADER = "TIMESTAMP,ContextTokens,GeneratedTokens";

    private static final DateTimeFormatter AZURE_TIME = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter();

    private TraceReader() {
    }

    public static Trace read(Path file) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(file.toString(), in.lines().toList());
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new TraceFormatException(file + ": cannot read trace (" + e.getMessage() + ")", e);
        }
    }

    public static Trace parse(String source, List<String> lines) {
        String header = lines.isEmpty() ? "" : normalize(lines.get(0));
        boolean azure;
        if (header.equalsIgnoreCase(SHAREGPT_HEADER)) {
            azure = false;
        } else if (header.equalsIgnoreCase(AZURE_HEADER)) {
            azure = true;
        } else {
            throw new TraceFormatException(source + ":1: unknown trace header '" + header + "'; expected '"
                    + SHAREGPT_HEADER + "' (ShareGPT) or '" + AZURE_HEADER + "' (Azure)");
        }
        List<WorkloadItem> items = new ArrayList<>(lines.size());
        List<LocalDateTime> times = azure ? new ArrayList<>(lines.size()) : List.of();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = source + ":" + (i + 1) + ": ";
            String[] cells = line.split(",", -1);
            int expected = azure ? 3 : 4;
            if (cells.length != expected) {
                throw new TraceFormatException(where + "expected " + expected + " columns, got " + cells.length + " in '" + line + "'");
            }
            int first = azure ? 1 : 0;
            int prompt = tokens(where, azure ? "ContextTokens" : "num_prefill_tokens", cells[first]);
            int output = tokens(where, azure ? "GeneratedTokens" : "num_decode_tokens", cells[first + 1]);
            if (azure) {
                times.add(timestamp(where, cells[0]));
            }
            items.add(new WorkloadItem(prompt, output, 0));
        }
        if (items.isEmpty()) {
            throw new TraceFormatException(source + ": trace has a header but no rows");
        }
        if (azure) {
            LocalDateTime origin = times.stream().min(LocalDateTime::compareTo).orElseThrow();
            for (int k = 0; k < items.size(); k++) {
                items.set(k, items.get(k).withArrivalNanos(ChronoUnit.NANOS.between(origin, times.get(k))));
            }
        }
        return new Trace(source, items, azure);
    }

    private static int tokens(String where, String column, String cell) {
        int value;
        try {
            value = Integer.parseInt(cell.strip());
        } catch (NumberFormatException e) {
            throw new TraceFormatException(where + column + " is not a whole number: '" + cell.strip() + "'");
        }
        if (value < 1) {
            throw new TraceFormatException(where + column + " must be >= 1 token, got " + value);
        }
        return value;
    }

    private static LocalDateTime timestamp(String where, String cell) {
        try {
            return LocalDateTime.parse(cell.strip(), AZURE_TIME);
        } catch (DateTimeParseException e) {
            throw new TraceFormatException(where + "TIMESTAMP '" + cell.strip() + "' is not 'yyyy-MM-dd HH:mm:ss.fffffff'");
        }
    }

    private static String normalize(String header) {
        return header.replace("\uFEFF", "").strip().replaceAll("\\s*,\\s*", ",");
    }
}
