package org.tdpipe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tdpipe.model.format.ModelConfig;
import org.tdpipe.model.format.ModelWeights;
import org.tdpipe.runtime.ModelBench;

/**
 * The results of {@code bench-model} as llama-bench prints them (its markdown table, column widths
 * included, so that the two tools' tables can be set side by side) and as JSON.
 */
final class ModelBenchReport {
    static final String BACKEND = "CPU (Java)";
    private static final String[] PARAM_UNITS = {"", "K", "M", "B", "T"};
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
    private static final String ROW = "| %-30s | %10s | %10s | %-10s | %7s | %15s | %20s |";

    private final String model;
    private final ModelWeights weights;
    private final int threads;

    ModelBenchReport(ModelConfig config, ModelWeights weights, int threads) {
        this.model = config.architecture() + " " + roundedParams(weights.params()) + " " + weights.mainType();
        this.weights = weights;
        this.threads = threads;
    }

    /** llama.cpp's "7B" in "llama 7B Q4_0", from the parameter count: two significant digits, e.g. 110M, 6.7B. */
    static String roundedParams(long params) {
        BigDecimal value = new BigDecimal(params).round(new MathContext(2));
        int unit = 0;
        while (unit < PARAM_UNITS.length - 1 && value.compareTo(THOUSAND) >= 0) {
            value = value.movePointLeft(3);
            unit++;
        }
        return value.stripTrailingZeros().toPlainString() + PARAM_UNITS[unit];
    }

    String header() {
        return String.format(Locale.ROOT, ROW, "model", "size", "params", "backend", "threads", "test", "t/s") + System.lineSeparator()
                + String.format(Locale.ROOT, ROW, rule(30, false), rule(10, true), rule(10, true), rule(10, false), rule(7, true),
                        rule(15, true), rule(20, true));
    }

    /** A markdown column rule as wide as the column, {@code ---:} when it is right-aligned. */
    private static String rule(int width, boolean right) {
        return "-".repeat(width - 1) + (right ? ":" : "-");
    }

    String row(ModelBench.Timing t) {
        return String.format(Locale.ROOT, ROW, model, size(), params(), BACKEND, threads, t.test().name(),
                String.format(Locale.ROOT, "%.2f ± %.2f", t.meanTokensPerSecond(), t.stddevTokensPerSecond()));
    }

    private String size() {
        double mib = weights.bytes() / 1024.0 / 1024.0;
        return mib < 1024 ? String.format(Locale.ROOT, "%.2f MiB", mib) : String.format(Locale.ROOT, "%.2f GiB", mib / 1024);
    }

    private String params() {
        long p = weights.params();
        return p < 1_000_000_000L ? String.format(Locale.ROOT, "%.2f M", p / 1e6) : String.format(Locale.ROOT, "%.2f B", p / 1e9);
    }

    void writeJson(Path file, List<ModelBench.Timing> timings) throws IOException {
        List<Map<String, Object>> results = timings.stream().map(this::json).toList();
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), Map.of("results", results));
    }

    private Map<String, Object> json(ModelBench.Timing t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("test", t.test().name());
        m.put("model", model);
        m.put("size_bytes", weights.bytes());
        m.put("params", weights.params());
        m.put("backend", BACKEND);
        m.put("n_prompt", t.test().nPrompt());
        m.put("n_gen", t.test().nGen());
        m.put("threads", threads);
        m.put("tokens_per_s", t.meanTokensPerSecond());
        m.put("stddev", t.stddevTokensPerSecond());
        m.put("samples_ts", Arrays.stream(t.tokensPerSecond()).boxed().toList());
        m.put("samples_ns", t.nanos());
        return m;
    }
}
