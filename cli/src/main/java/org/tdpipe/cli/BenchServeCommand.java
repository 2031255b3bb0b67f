package org.tdpipe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import org.tdpipe.runtime.PemFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * {@code tdpipe bench-serve}: a load generator for an OpenAI-compatible server that speaks
 * {@code vllm bench serve} — its flags, its result block and its result JSON — plus a sweep over
 * several concurrency levels ({@code --concurrency}).
 */
@Command(name = "bench-serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Load-test an OpenAI-compatible server (tdpipe serve, vLLM, ...) with streamed /v1/completions requests, as "
                + "'vllm bench serve' does: --num-prompts requests arriving at --request-rate (Poisson, or gamma with --burstiness), "
                + "at most --max-concurrency in flight. Prints vLLM's result block; --save-result writes vLLM's result JSON. "
                + "--concurrency L1,L2,... runs one such benchmark per level and adds a summary table. Exits 1 when some "
                + "requests failed.")
final class BenchServeCommand implements Callable<Integer> {
    /** Where the prompt lengths come from. */
    enum Dataset {
        sharegpt,
        random
    }

    /** vLLM's backends that speak the streamed completions API. */
    enum Backend {
        vllm,
        openai
    }

    /** A number or {@code inf}, as vLLM's {@code --request-rate}. */
    static final class RateConverter implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            return value.equalsIgnoreCase("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(value);
        }
    }

    private static final DateTimeFormatter RESULT_DATE = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    @Option(names = "--backend", defaultValue = "vllm", description = "vllm or openai: both stream /v1/completions (default: ${DEFAULT-VALUE})")
    Backend backend;

    @Option(names = "--base-url", description = "The server, e.g. https://host:8443 (default: http://--host:--port)")
    URI baseUrl;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server host without --base-url (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", defaultValue = "8000", description = "Server port without --base-url (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--endpoint", defaultValue = "/v1/completions", description = "Completions path (default: ${DEFAULT-VALUE})")
    String endpoint;

    @Option(names = "--model", required = true, description = "Model name sent in every request (the server's served model name)")
    String model;

    @Option(names = "--api-key", description = "Sent as 'Authorization: Bearer KEY'")
    String apiKey;

    @Option(names = "--header", paramLabel = "KEY=VALUE", description = "An HTTP header for every request (repeatable)")
    Map<String, String> headers = new LinkedHashMap<>();

    @Option(names = "--ca-cert", paramLabel = "PEM", description = "Trust the certificates in this PEM file (a private CA) for HTTPS")
    Path caCert;

    @Option(names = {"--dataset-name", "--dataset"}, defaultValue = "sharegpt",
            description = "sharegpt: lengths sampled from the ShareGPT trace (text is filler words: the trace holds lengths only); random: --random-input-len / --random-output-len (default: ${DEFAULT-VALUE})")
    Dataset dataset;

    @Option(names = "--dataset-path", description = "Trace CSV for --dataset-name sharegpt (default: the ShareGPT trace in the shared data folder)")
    Path datasetPath;

    @Option(names = "--num-prompts", defaultValue = "1000", description = "Requests per benchmark (default: ${DEFAULT-VALUE})")
    int numPrompts;

    @Option(names = "--request-rate", defaultValue = "inf", converter = RateConverter.class,
            description = "Requests per second, or inf to send them all at once (default: ${DEFAULT-VALUE})")
    double requestRate;

    @Option(names = "--burstiness", defaultValue = "1.0",
            description = "Shape of the gamma-distributed gaps between arrivals: 1 is Poisson, lower is burstier (default: ${DEFAULT-VALUE})")
    double burstiness;

    @Option(names = "--max-concurrency", description = "Most requests in flight (default: no limit)")
    Integer maxConcurrency;

    @Option(names = "--concurrency", split = ",", description = "tdpipe's sweep: one benchmark per level of --max-concurrency")
    List<Integer> concurrency;

    @Option(names = "--max-tokens", description = "Cap on each request's max_tokens (default: the dataset's output length)")
    Integer maxTokens;

    @Option(names = "--scale-input", description = "Scale ShareGPT prompts so the longest has this many tokens, as bench does (for small-context models)")
    Integer scaleInput;

    @Option(names = "--random-input-len", defaultValue = "1024", description = "Prompt tokens of --dataset-name random (default: ${DEFAULT-VALUE})")
    int randomInputLen;

    @Option(names = "--random-output-len", defaultValue = "128", description = "Output tokens of --dataset-name random (default: ${DEFAULT-VALUE})")
    int randomOutputLen;

    @Option(names = "--random-range-ratio", defaultValue = "0", description = "Random lengths vary uniformly by ± this share (default: ${DEFAULT-VALUE})")
    double randomRangeRatio;

    @Option(names = "--ignore-eos", description = "Ask the server to ignore EOS, so outputs have their full length (vLLM and tdpipe honour it)")
    boolean ignoreEos;

    @Option(names = "--seed", defaultValue = "0", description = "Dataset and arrival sampling seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--timeout", defaultValue = "300", description = "Seconds a request may take, connection included (default: ${DEFAULT-VALUE})")
    double timeoutSeconds;

    @Option(names = "--percentile-metrics", defaultValue = "ttft,tpot,itl", split = ",",
            description = "Latencies to report, of ttft, tpot, itl, e2el (default: ${DEFAULT-VALUE})")
    List<String> percentileMetrics;

    @Option(names = "--metric-percentiles", defaultValue = "99", split = ",",
            description = "Percentiles to report, e.g. 25,50,99.9 (default: ${DEFAULT-VALUE})")
    List<Double> metricPercentiles;

    @Option(names = "--save-result", description = "Write vLLM's result JSON of each benchmark to --result-dir")
    boolean saveResult;

    @Option(names = "--result-dir", defaultValue = ".", description = "Where --save-result writes (default: the current folder)")
    Path resultDir;

    @Option(names = "--result-filename", description = "File name for --save-result (default: vLLM's backend-rate-concurrency-model-date.json)")
    String resultFilename;

    @Option(names = "--disable-tqdm", description = "Accepted for vLLM's scripts; there is no progress bar to disable")
    boolean disableTqdm;

    @Option(names = "--json", description = "Write every benchmark's results in one JSON file (runs: vLLM's fields each)")
    Path json;

    @Override
    public Integer call() throws IOException {
        List<LoadPattern> patterns = patterns();
        ReportedPercentiles reported = new ReportedPercentiles(percentileMetrics, metricPercentiles);
        if (numPrompts < 1) {
            throw new IllegalArgumentException("--num-prompts must be >= 1, got " + numPrompts);
        }
        if (timeoutSeconds <= 0) {
            throw new IllegalArgumentException("--timeout must be > 0 seconds, got " + timeoutSeconds);
        }
        if (resultFilename != null && patterns.size() > 1) {
            throw new IllegalArgumentException("--result-filename names one file, but --concurrency runs " + patterns.size() + " benchmarks");
        }
        Optional<SSLContext> tls = caCert == null ? Optional.empty() : Optional.of(PemFiles.trusting(caCert, "--ca-cert"));
        PrintStream out = System.out;
        List<BenchPrompt> prompts = prompts(out);
        URI url = server().resolve(endpoint);
        List<ServeMetrics> runs = new ArrayList<>();
        try (StreamingCompletionClient client = new StreamingCompletionClient(url, model, Optional.ofNullable(apiKey), headers, tls,
                ignoreEos, Duration.ofMillis((long) (timeoutSeconds * 1000)))) {
            out.println("Starting initial single prompt test run...");
            RequestOutcome test = client.send(prompts.getFirst());
            if (!test.succeeded()) {
                throw new IllegalArgumentException("the initial test request to " + url + " failed: " + test.error());
            }
            out.println("Initial test run completed. Starting main benchmark run...");
            for (LoadPattern pattern : patterns) {
                out.printf(Locale.ROOT, "Traffic request rate: %s%nBurstiness factor: %s%nMaximum request concurrency: %s%n",
                        Double.isFinite(pattern.requestRate()) ? pattern.requestRate() : "inf", pattern.burstiness(),
                        pattern.maxConcurrency().isPresent() ? pattern.maxConcurrency().getAsInt() : "None");
                ServeMetrics run = ServeLoad.run(client, prompts, pattern, seed);
                run.print(out, reported);
                runs.add(run);
                if (saveResult) {
                    out.println("Wrote " + save(run, reported));
                }
            }
        }
        if (runs.size() > 1) {
            printSummary(out, runs);
        }
        if (json != null) {
            writeJson(runs, reported);
            out.println("Wrote " + json);
        }
        return runs.stream().anyMatch(r -> r.failed() > 0) ? 1 : 0;
    }

    private URI server() {
        return baseUrl != null ? baseUrl : URI.create("http://" + host + ":" + port);
    }

    /** One pattern per --concurrency level, or the one --max-concurrency gives. */
    private List<LoadPattern> patterns() {
        if (concurrency != null && maxConcurrency != null) {
            throw new IllegalArgumentException("--concurrency (a sweep) and --max-concurrency (one level) exclude each other");
        }
        if (concurrency == null) {
            OptionalInt limit = maxConcurrency == null ? OptionalInt.empty() : OptionalInt.of(maxConcurrency);
            return List.of(new LoadPattern(limit, requestRate, burstiness));
        }
        return concurrency.stream().map(c -> new LoadPattern(OptionalInt.of(c), requestRate, burstiness)).toList();
    }

    private List<BenchPrompt> prompts(PrintStream out) {
        int cap = maxTokens != null ? maxTokens : Integer.MAX_VALUE;
        if (cap < 1) {
            throw new IllegalArgumentException("--max-tokens must be >= 1, got " + cap);
        }
        if (dataset == Dataset.random) {
            out.printf(Locale.ROOT, "Dataset: random, %d prompts of %d input and %d output tokens (range ratio %.2f, seed %d)%n",
                    numPrompts, randomInputLen, Math.min(cap, randomOutputLen), randomRangeRatio, seed);
            return BenchDataset.random(numPrompts, randomInputLen, Math.min(cap, randomOutputLen), randomRangeRatio, seed);
        }
        WorkloadTrace trace = WorkloadTrace.load(datasetPath, numPrompts, seed);
        LengthScaling scaling = new LengthScaling(scaleInput != null ? scaleInput : Integer.MAX_VALUE, Integer.MAX_VALUE);
        out.printf(Locale.ROOT, "Dataset: sharegpt lengths from %s, %d prompts (seed %d)%s%n", trace.description(), numPrompts, seed,
                scaleInput != null ? ", prompts scaled to <= " + scaleInput + " tokens" : "");
        return BenchDataset.shareGpt(trace, numPrompts, seed, scaling, cap);
    }

    /** vLLM's result file: the run's parameters, then its metrics. */
    private Path save(ServeMetrics run, ReportedPercentiles reported) throws IOException {
        LocalDateTime now = LocalDateTime.now();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("date", RESULT_DATE.format(now));
        result.put("backend", backend.name());
        result.put("model_id", model);
        result.put("tokenizer_id", model);
        result.put("num_prompts", numPrompts);
        result.putAll(run.toJson(reported));
        String name = resultFilename != null ? resultFilename : defaultResultName(run.pattern(), now);
        Files.createDirectories(resultDir);
        Path file = resultDir.resolve(name);
        new ObjectMapper().writeValue(file.toFile(), result);
        return file;
    }

    /** vLLM's {@code {backend}-{rate}qps[-concurrency{n}]-{model}-{date}.json}. */
    private String defaultResultName(LoadPattern pattern, LocalDateTime now) {
        String rate = Double.isFinite(pattern.requestRate()) ? String.valueOf(pattern.requestRate()) : "inf";
        String limit = pattern.maxConcurrency().isPresent() ? "-concurrency" + pattern.maxConcurrency().getAsInt() : "";
        String baseModel = model.substring(model.lastIndexOf('/') + 1);
        return backend.name() + "-" + rate + "qps" + limit + "-" + baseModel + "-" + RESULT_DATE.format(now) + ".json";
    }

    private static void printSummary(PrintStream out, List<ServeMetrics> runs) {
        out.println();
        out.println("| concurrency | req/s | output tok/s | TTFT p50 ms | TTFT p99 ms | TPOT mean ms | ITL p50 ms | E2E p50 ms | failed |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (ServeMetrics m : runs) {
            out.printf(Locale.ROOT, "| %s | %.2f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %d |%n",
                    m.pattern().maxConcurrency().isPresent() ? String.valueOf(m.pattern().maxConcurrency().getAsInt()) : "-",
                    m.requestThroughput(), m.outputThroughput(), m.ttft().median(), m.ttft().percentile(99), m.tpot().mean(),
                    m.itl().median(), m.e2el().median(), m.failed());
        }
    }

    private void writeJson(List<ServeMetrics> runs, ReportedPercentiles reported) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("base_url", server().toString());
        root.put("endpoint", endpoint);
        root.put("model", model);
        root.put("dataset", dataset.name());
        root.put("num_prompts", numPrompts);
        root.put("seed", seed);
        root.put("ignore_eos", ignoreEos);
        root.put("runs", runs.stream().map(r -> r.toJson(reported)).toList());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), root);
    }
}
