package org.tdpipe.core.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format 0.0.4 for tests: it fails on any line that breaks
 * the format rules the engine promises (HELP and TYPE before a family's samples, samples grouped by
 * family, counters ending in {@code _total}, no duplicate series, histograms with increasing
 * {@code le}, cumulative monotone buckets ending in {@code +Inf} whose count is {@code _count}).
 */
final class Exposition {
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern FLOAT = Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?");

    private final Map<String, String> types = new LinkedHashMap<>();
    private final Map<String, String> helps = new HashMap<>();
    private final List<Sample> samples = new ArrayList<>();

    private Exposition() {
    }

    static Exposition parse(String text) {
        if (!text.endsWith("\n")) {
            throw new AssertionError("exposition must end with a line feed");
        }
        Exposition e = new Exposition();
        String current = null;
        Set<String> series = new HashSet<>();
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length - 1; n++) {
            String line = lines[n];
            String where = "line " + (n + 1) + " '" + line + "': ";
            if (line.startsWith("# HELP ")) {
                String[] parts = line.substring(7).split(" ", 2);
                if (parts.length != 2 || e.helps.put(parts[0], parts[1]) != null) {
                    throw new AssertionError(where + "HELP without text, or a second HELP");
                }
                current = parts[0];
            } else if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ");
                if (parts.length != 2 || !parts[0].equals(current) || e.types.containsKey(parts[0])) {
                    throw new AssertionError(where + "TYPE must follow its family's HELP, once");
                }
                if (!Set.of("counter", "gauge", "histogram").contains(parts[1])) {
                    throw new AssertionError(where + "unexpected type " + parts[1]);
                }
                if (parts[1].equals("counter") && !parts[0].endsWith("_total")) {
                    throw new AssertionError(where + "counter name must end in _total");
                }
                e.types.put(parts[0], parts[1]);
            } else if (line.isEmpty() || line.startsWith("#")) {
                throw new AssertionError(where + "unexpected line");
            } else {
                Sample s = sample(line, where);
                if (current == null || !e.types.containsKey(current) || !belongs(s.name, current, e.types.get(current))) {
                    throw new AssertionError(where + "sample outside its family's HELP/TYPE block (current family " + current + ")");
                }
                if (!series.add(s.name + s.labels)) {
                    throw new AssertionError(where + "duplicate series");
                }
                e.samples.add(s);
            }
        }
        e.checkHistograms();
        return e;
    }

    /** The value of the one sample named {@code name} whose labels include {@code labelPairs}. */
    double value(String name, String... labelPairs) {
        List<Sample> found = find(name, labelPairs);
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " samples match " + name + " " + List.of(labelPairs) + " in " + samples);
        }
        return found.getFirst().value;
    }

    List<Sample> find(String name, String... labelPairs) {
        List<Sample> found = new ArrayList<>();
        for (Sample s : samples) {
            boolean match = s.name.equals(name);
            for (int i = 0; match && i < labelPairs.length; i += 2) {
                match = labelPairs[i + 1].equals(s.labels.get(labelPairs[i]));
            }
            if (match) {
                found.add(s);
            }
        }
        return found;
    }

    List<Sample> samples() {
        return samples;
    }

    private static boolean belongs(String sample, String family, String type) {
        return type.equals("histogram")
                ? sample.equals(family + "_bucket") || sample.equals(family + "_sum") || sample.equals(family + "_count")
                : sample.equals(family);
    }

    private void checkHistograms() {
        types.forEach((family, type) -> {
            if (!type.equals("histogram")) {
                return;
            }
            Map<Map<String, String>, List<Sample>> bucketsBySeries = new LinkedHashMap<>();
            for (Sample s : find(family + "_bucket")) {
                Map<String, String> series = new LinkedHashMap<>(s.labels);
                if (series.remove("le") == null) {
                    throw new AssertionError(family + "_bucket without le: " + s);
                }
                bucketsBySeries.computeIfAbsent(series, k -> new ArrayList<>()).add(s);
            }
            if (bucketsBySeries.isEmpty()) {
                throw new AssertionError("histogram " + family + " has no buckets");
            }
            bucketsBySeries.forEach((series, buckets) -> {
                double prevLe = Double.NEGATIVE_INFINITY;
                double prevCount = 0;
                for (Sample b : buckets) {
                    double le = parseValue(b.labels.get("le"));
                    if (!(le > prevLe) || b.value < prevCount) {
                        throw new AssertionError(family + " " + series + ": le must increase and counts not decrease at " + b);
                    }
                    prevLe = le;
                    prevCount = b.value;
                }
                if (prevLe != Double.POSITIVE_INFINITY) {
                    throw new AssertionError(family + " " + series + ": last bucket must be le=\"+Inf\"");
                }
                double count = seriesValue(family + "_count", series);
                seriesValue(family + "_sum", series);
                if (count != prevCount) {
                    throw new AssertionError(family + " " + series + ": _count " + count + " != +Inf bucket " + prevCount);
                }
            });
        });
    }

    private double seriesValue(String name, Map<String, String> labels) {
        for (Sample s : samples) {
            if (s.name.equals(name) && s.labels.equals(labels)) {
                return s.value;
            }
        }
        throw new AssertionError("missing " + name + labels);
    }

    private static Sample sample(String line, String where) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new AssertionError(where + "invalid metric name");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf("=\"", i);
                String label = line.substring(i, eq);
                if (!LABEL_NAME.matcher(label).matches()) {
                    throw new AssertionError(where + "invalid label name " + label);
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        value.append(switch (next) {
                            case '\\' -> '\\';
                            case '"' -> '"';
                            case 'n' -> '\n';
                            default -> throw new AssertionError(where + "bad escape \\" + next);
                        });
                    } else {
                        value.append(c);
                    }
                }
                if (labels.put(label, value.toString()) != null) {
                    throw new AssertionError(where + "label " + label + " twice");
                }
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        if (i >= line.length() || line.charAt(i) != ' ') {
            throw new AssertionError(where + "expected one space before the value");
        }
        return new Sample(name, labels, parseValue(line.substring(i + 1)));
    }

    private static double parseValue(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                if (!FLOAT.matcher(text).matches()) {
                    throw new AssertionError("not a Prometheus float: '" + text + "'");
                }
                yield Double.parseDouble(text);
            }
        };
    }
}
