package org.tdpipe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tdpipe bench-serve}: a load generator for an OpenAI-compatible server, reporting like vLLM's {@code bench serve}. */
@Command(name = "bench-serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Load-test an OpenAI-compatible server (tdpipe serve, vLLM, ...) with streamed /v1/completions requests at each "
                + "--concurrency level in turn, every level sending the same --num-prompts prompts. Prints vLLM's 'bench serve' result "
                + "block per level (request and token throughput, TTFT, TPOT, ITL, E2E latency) and a summary table; exits 1 when "
                + "some requests failed.")
final class BenchServeCommand implements Callable<Integer> {
    /** Where the prompt lengths come from. */
    enum Dataset {
        sharegpt,
        random
    }

    @Option(names = "--base-url", defaultValue = "http://127.0.0.1:8000", description = "The server (default: ${DEFAULT-VALUE})")
    URI baseUrl;

    @Option(names = "--endpoint", defaultValue = "/v1/completions", description = "Completions path (default: ${DEFAULT-VALUE})")
    String endpoint;

    @Option(names = "--model", required = true, description = "Model name sent in every request (the server's served model name)")
    String model;

    @Option(names = "--api-key", description = "Sent as 'Authorization: Bearer KEY'")
    String apiKey;

    @Option(names = "--dataset", defaultValue = "sharegpt",
            description = "sharegpt: lengths sampled from the ShareGPT trace (text is filler words: the trace holds lengths only); random: --random-input-len / --random-output-len (default: ${DEFAULT-VALUE})")
    Dataset dataset;

    @Option(names = "--dataset-path", description = "Trace CSV for --dataset sharegpt (default: the ShareGPT trace in the shared data folder)")
    Path datasetPath;

    @Option(names = "--num-prompts", defaultValue = "100", description = "Requests per concurrency level (default: ${DEFAULT-VALUE})")
    int numPrompts;

    @Option(names = "--concurrency", defaultValue = "1,4,16,64", split = ",",
            description = "Most requests in flight; one run per level (default: ${DEFAULT-VALUE})")
    List<Integer> concurrency;

    @Option(names = "--max-tokens", description = "Cap on each request's max_tokens (default: the dataset's output length)")
    Integer maxTokens;

    @Option(names = "--scale-input", description = "Scale ShareGPT prompts so the longest has this many tokens, as bench does (for small-context models)")
    Integer scaleInput;

    @Option(names = "--random-input-len", defaultValue = "1024", description = "Prompt tokens of --dataset random (default: ${DEFAULT-VALUE})")
    int randomInputLen;

    @Option(names = "--random-output-len", defaultValue = "128", description = "Output tokens of --dataset random (default: ${DEFAULT-VALUE})")
    int randomOutputLen;

    @Option(names = "--random-range-ratio", defaultValue = "0", description = "Random lengths vary uniformly by ± this share (default: ${DEFAULT-VALUE})")
    double randomRangeRatio;

    @Option(names = "--ignore-eos", description = "Ask the server to ignore EOS, so outputs have their full length (vLLM and tdpipe honour it)")
    boolean ignoreEos;

    @Option(names = "--seed", defaultValue = "0", description = "Dataset sampling seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--timeout", defaultValue = "300", description = "Seconds a request may take, connection included (default: ${DEFAULT-VALUE})")
    double timeoutSeconds;

    @Option(names = "--json", description = "Write every level's results as JSON (vLLM's field names)")
    Path json;

    @Override
    public Integer call() throws IOException {
        if (numPrompts < 1) {
            throw new IllegalArgumentException("--num-prompts must be >= 1, got " + numPrompts);
        }
        if (timeoutSeconds <= 0) {
            throw new IllegalArgumentException("--timeout must be > 0 seconds, got " + timeoutSeconds);
        }
        for (int c : concurrency) {
            if (c < 1) {
                throw new IllegalArgumentException("--concurrency levels must be >= 1, got " + c);
            }
        }
        PrintStream out = System.out;
        List<BenchPrompt> prompts = prompts(out);
        URI url = baseUrl.resolve(endpoint);
        List<ServeMetrics> levels = new ArrayList<>();
        try (StreamingCompletionClient client = new StreamingCompletionClient(url, model, Optional.ofNullable(apiKey), ignoreEos,
                Duration.ofMillis((long) (timeoutSeconds * 1000)))) {
            out.println("Starting initial single prompt test run...");
            RequestOutcome test = client.send(prompts.getFirst());
            if (!test.succeeded()) {
                throw new IllegalArgumentException("the initial test request to " + url + " failed: " + test.error());
            }
            out.println("Initial test run completed. Starting main benchmark run...");
            for (int c : concurrency) {
                ServeMetrics level = ServeLoad.run(client, prompts, c);
                level.print(out);
                levels.add(level);
            }
        }
        printSummary(out, levels);
        if (json != null) {
            writeJson(levels);
            out.println("Wrote " + json);
        }
        return levels.stream().anyMatch(l -> l.failed() > 0) ? 1 : 0;
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

    private static void printSummary(PrintStream out, List<ServeMetrics> levels) {
        out.println();
        out.println("| concurrency | req/s | output tok/s | TTFT p50 ms | TTFT p99 ms | TPOT mean ms | ITL p50 ms | E2E p50 ms | failed |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (ServeMetrics m : levels) {
            out.printf(Locale.ROOT, "| %d | %.2f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %d |%n", m.concurrency(), m.requestThroughput(),
                    m.outputThroughput(), m.ttft().median(), m.ttft().p99(), m.tpot().mean(), m.itl().median(), m.e2el().median(), m.failed());
        }
    }

    private void writeJson(List<ServeMetrics> levels) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("base_url", baseUrl.toString());
        root.put("endpoint", endpoint);
        root.put("model", model);
        root.put("dataset", dataset.name());
        root.put("num_prompts", numPrompts);
        root.put("seed", seed);
        root.put("ignore_eos", ignoreEos);
        root.put("runs", levels.stream().map(ServeMetrics::toJson).toList());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), root);
    }
}
