package org.tdpipe.core.profile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tdpipe.core.exec.Phase;

/**
 * The per-stage profile of a real pipeline: every stage's time for prefill batches of several sizes
 * and for decode batches of several sizes and context lengths, as measured on the machine (the
 * richer table next to TD-Pipe's {@code T[n]}), and the hand-offs from the controller to the
 * first stage, between stages and back to the controller. A simulator fits its cost model on it;
 * the {@link #setup} records what was measured (model, pipeline, layer split, threads, block size).
 *
 * <p>File format: {@code # key: value} lines for the setup, then the CSV header {@value #HEADER},
 * one row per {@link StageTiming} and one {@code toStage,handoff,tokens,0,0,ms,ms} row per
 * {@link HandoffTiming}. Tables written before the {@code alone_ms} column (header
 * {@value #BUSY_ONLY_HEADER}) are read with each stage as fast alone as busy and no hand-off.
 */
public record StageProfile(Map<String, String> setup, int numStages, List<StageTiming> timings, List<HandoffTiming> handoffs) {
    public static final String HEADER = "stage,phase,tokens,sampled,attention_pairs,ms,alone_ms";
    /** The header of tables measured with every stage busy only. */
    public static final String BUSY_ONLY_HEADER = "stage,phase,tokens,sampled,attention_pairs,ms";
    /** Setup key of the model's longest sequence. */
    public static final String MAX_MODEL_LEN = "max_model_len";

    private static final String HANDOFF = "handoff";

    public StageProfile {
        setup = Collections.unmodifiableMap(new LinkedHashMap<>(setup));
        timings = List.copyOf(timings);
        handoffs = List.copyOf(handoffs);
        if (numStages < 1) {
            throw new IllegalArgumentException("a stage profile needs at least one stage, got " + numStages);
        }
        for (int s = 0; s < numStages; s++) {
            int stage = s;
            for (Phase phase : List.of(Phase.PREFILL, Phase.DECODE)) {
                if (timings.stream().noneMatch(t -> t.stage() == stage && t.phase() == phase)) {
                    throw new IllegalArgumentException("stage profile has no " + phase.name().toLowerCase(Locale.ROOT)
                            + " timing for stage " + stage);
                }
            }
        }
        for (StageTiming t : timings) {
            if (t.stage() >= numStages) {
                throw new IllegalArgumentException("timing of stage " + t.stage() + " in a profile of " + numStages + " stages");
            }
        }
        for (HandoffTiming h : handoffs) {
            if (h.toStage() > numStages) {
                throw new IllegalArgumentException("hand-off to stage " + h.toStage() + " in a profile of " + numStages + " stages");
            }
        }
    }

    /** A profile of stages that hand over in memory: no hand-off measured. */
    public StageProfile(Map<String, String> setup, int numStages, List<StageTiming> timings) {
        this(setup, numStages, timings, List.of());
    }

    /** The timings of one stage and phase, in file order. */
    public List<StageTiming> timings(int stage, Phase phase) {
        return timings.stream().filter(t -> t.stage() == stage && t.phase() == phase).toList();
    }

    /** An integer setup value, or {@code fallback} when the profile does not record it. */
    public int setupInt(String key, int fallback) {
        String v = setup.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new ProfileFormatException("stage profile setup '" + key + "' is not an integer: '" + v + "'");
        }
    }

    public void write(Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        setup.forEach((k, v) -> sb.append("# ").append(k).append(": ").append(v).append('\n'));
        sb.append(HEADER).append('\n');
        for (StageTiming t : timings) {
            sb.append(String.format(Locale.ROOT, "%d,%s,%d,%d,%d,%.4f,%.4f%n", t.stage(), t.phase().name().toLowerCase(Locale.ROOT),
                    t.tokens(), t.sampled(), t.attentionPairs(), t.ms(), t.aloneMs()));
        }
        for (HandoffTiming h : handoffs) {
            sb.append(String.format(Locale.ROOT, "%d,%s,%d,0,0,%.4f,%.4f%n", h.toStage(), HANDOFF, h.tokens(), h.ms(), h.ms()));
        }
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }

    /** Reads a stage profile; errors name the file and the line. */
    public static StageProfile read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ProfileFormatException(file + ": cannot read stage profile (" + e.getMessage() + ")", e);
        }
        return parse(file.toString(), lines);
    }

    public static StageProfile parse(String source, List<String> lines) {
        Map<String, String> setup = new LinkedHashMap<>();
        List<StageTiming> timings = new ArrayList<>();
        List<HandoffTiming> handoffs = new ArrayList<>();
        boolean header = false;
        int columns = 0;
        int stages = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replace("\uFEFF", "").strip();
            String where = source + ":" + (i + 1) + ": ";
            if (line.isEmpty()) {
                continue;
            }
            if (!header && line.startsWith("#")) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    throw new ProfileFormatException(where + "expected '# key: value', got '" + line + "'");
                }
                setup.put(line.substring(1, colon).strip(), line.substring(colon + 1).strip());
                continue;
            }
            if (!header) {
                String cells = line.replaceAll("\\s*,\\s*", ",");
                if (!cells.equalsIgnoreCase(HEADER) && !cells.equalsIgnoreCase(BUSY_ONLY_HEADER)) {
                    throw new ProfileFormatException(where + "expected header '" + HEADER + "', got '" + line + "'");
                }
                header = true;
                columns = cells.split(",").length;
                continue;
            }
            String[] cells = line.split(",");
            if (cells.length != columns) {
                throw new ProfileFormatException(where + "expected " + columns + " columns like the header, got '" + line + "'");
            }
            if (cells[1].strip().equalsIgnoreCase(HANDOFF)) {
                handoffs.add(handoff(where, line, cells));
                continue;
            }
            StageTiming t = row(where, line, cells);
            timings.add(t);
            stages = Math.max(stages, t.stage() + 1);
        }
        if (timings.isEmpty()) {
            throw new ProfileFormatException(source + ": stage profile has no timings");
        }
        try {
            return new StageProfile(setup, stages, timings, handoffs);
        } catch (IllegalArgumentException e) {
            throw new ProfileFormatException(source + ": " + e.getMessage(), e);
        }
    }

    private static HandoffTiming handoff(String where, String line, String[] cells) {
        try {
            return new HandoffTiming(Integer.parseInt(cells[0].strip()), Integer.parseInt(cells[2].strip()),
                    Double.parseDouble(cells[5].strip()));
        } catch (NumberFormatException e) {
            throw new ProfileFormatException(where + "not a number in '" + line + "'");
        } catch (IllegalArgumentException e) {
            throw new ProfileFormatException(where + e.getMessage());
        }
    }

    private static StageTiming row(String where, String line, String[] cells) {
        int columns = cells.length;
        Phase phase = switch (cells[1].strip().toLowerCase(Locale.ROOT)) {
            case "prefill" -> Phase.PREFILL;
            case "decode" -> Phase.DECODE;
            default -> throw new ProfileFormatException(where + "phase must be prefill, decode or handoff, got '" + cells[1].strip() + "'");
        };
        try {
            return new StageTiming(Integer.parseInt(cells[0].strip()), phase, Integer.parseInt(cells[2].strip()),
                    Integer.parseInt(cells[3].strip()), Long.parseLong(cells[4].strip()), Double.parseDouble(cells[5].strip()),
                    Double.parseDouble(cells[columns - 1].strip()));
        } catch (NumberFormatException e) {
            throw new ProfileFormatException(where + "not a number in '" + line + "'");
        } catch (IllegalArgumentException e) {
            throw new ProfileFormatException(where + e.getMessage());
        }
    }
}
