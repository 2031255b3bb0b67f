package org.tdpipe.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.tdpipe.core.engine.RunResult;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.model.ModelSources;
import org.tdpipe.model.format.ModelSource;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tdpipe generate}: text generation on the CPU model, one prompt, or offline batch inference
 * over a JSONL file: every line is submitted to the engine at once, results are appended to
 * {@code --output} as they finish, and a rerun of an interrupted job resumes it.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Generates text on the CPU. With --prompt the completion is printed to stdout as it is generated.",
            "With --input (offline batch inference) every line is submitted to the engine at once and each result is appended "
                + "to --output as one JSON line as soon as it finishes (id, text, token_ids, finish_reason, usage, logprobs). "
                + "Rerunning the same command skips the ids already in --output, so an interrupted run (Ctrl-C, SIGTERM, a kill) "
                + "resumes where it stopped. Malformed input lines are reported with their line number and skipped (--strict: refused)."})
final class GenerateCommand implements Callable<Integer> {
    /** Exit code of a run stopped by SIGINT / SIGTERM (the rerun resumes it). */
    static final int EXIT_INTERRUPTED = 130;
    /** Exit code of a run where some requests failed (the rerun retries them). */
    static final int EXIT_FAILED_REQUESTS = 1;
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);

    static final class Source {
        @Option(names = "--prompt", description = "One prompt (\"\" starts from BOS).")
        String prompt;

        @Option(names = "--input", description = "JSONL file, one {\"prompt\": ...} or {\"messages\": [{\"role\": ..., \"content\": ...}]} per line, with optional \"id\" (default: the line number), \"n\" (completions of the prompt) and sampling fields (max_tokens, temperature, top_p, top_k, min_p, seed, stop, stop_token_ids, presence_penalty, frequency_penalty, repetition_penalty, logprobs, ignore_eos).")
        Path input;
    }

    @Option(names = "--model", required = true,
            description = "A .gguf file, a llama2.c .bin checkpoint, a Hugging Face folder, or dummy:<name or config.json>[:<type>] (e.g. dummy:llama-110m, dummy:llama-2-7b:q4_0).")
    String model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--output", description = "Append the results as JSONL here, skipping ids already in it (default: stdout, no resuming).")
    Path output;

    @Option(names = "--max-tokens", defaultValue = "256", description = "Most tokens to generate per prompt (default ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "1.0", description = "0 = greedy (default ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1.0")
    double topP;

    @Option(names = "--top-k", defaultValue = "-1")
    int topK;

    @Option(names = "--min-p", defaultValue = "0")
    double minP;

    @Option(names = "--seed", description = "Sampling seed for every prompt (reproducible whatever the batch).")
    Long seed;

    @Option(names = "--repetition-penalty", defaultValue = "1.0")
    double repetitionPenalty;

    @Option(names = "--presence-penalty", defaultValue = "0")
    double presencePenalty;

    @Option(names = "--frequency-penalty", defaultValue = "0")
    double frequencyPenalty;

    @Option(names = "--ignore-eos", description = "Always generate --max-tokens tokens.")
    boolean ignoreEos;

    @Option(names = "--stop", description = "Stop string (repeatable); the text is cut before it.")
    List<String> stop = new ArrayList<>();

    @Option(names = "--logprobs", defaultValue = "0", description = "Top log-probabilities to report per token (JSONL output).")
    int logprobs;

    @Mixin
    ChatTemplateOption chatTemplate;

    @Option(names = "--strict", description = "Refuse the whole input, before any work, when a line is malformed (default: report and skip it).")
    boolean strict;

    @Option(names = "--echo", description = "Repeat each line's prompt or messages in its result.")
    boolean echo;

    @Option(names = "--progress", defaultValue = "auto",
            description = "Progress on stderr: auto (a bar on a terminal, else a line per tenth done), bar, lines, none (default: ${DEFAULT-VALUE}).")
    BatchProgress.Style progress;

    @Mixin
    PipelineOptions pipeline;

    @Mixin
    PolicyOptions scheduling;

    @Option(names = "--block-size", defaultValue = "16", description = "Tokens per KV block (default ${DEFAULT-VALUE}).")
    int blockSize;

    @Option(names = "--kv-cache-mib", defaultValue = "4096", description = "Upper bound on the KV cache size (default ${DEFAULT-VALUE} MiB).")
    double kvCacheMib;

    private final Supplier<RunInterruption> interruptions;
    private final Consumer<Completion> written;

    GenerateCommand() {
        this(() -> RunInterruption.onSignals(SHUTDOWN_GRACE), completion -> { });
    }

    /** {@code interruptions}: how a batch run can be stopped; {@code written}: told of every result written. */
    GenerateCommand(Supplier<RunInterruption> interruptions, Consumer<Completion> written) {
        this.interruptions = interruptions;
        this.written = written;
    }

    @Override
    public Integer call() {
        pipeline.stages();
        scheduling.validate();
        SamplingParams defaults = new SamplingParams(maxTokens, temperature, topP, topK, minP, seed, repetitionPenalty,
                presencePenalty, frequencyPenalty, ignoreEos, List.of(), stop, logprobs);
        return source.prompt != null ? generateOne(defaults) : generateBatch(defaults);
    }

    private Integer generateOne(SamplingParams defaults) {
        PromptFile.Entry entry = new PromptFile.Entry("0", 1, new PromptInput.Text(source.prompt), defaults, 1);
        try (ModelSource model = ModelSources.open(this.model)) {
            List<GenerationRun.Item> items = List.of(new GenerationRun.Item(entry, encoder(model).encode(entry.prompt())));
            boolean streaming = output == null && stop.isEmpty();
            List<Completion> completions = new ArrayList<>();
            GenerationRun.Outcome outcome = newRun(model, items, streaming ? System.out : null)
                    .run(items, completions::add, new RunInterruption());
            if (!outcome.failures().isEmpty()) {
                throw new IllegalArgumentException("generation failed: " + outcome.failures().getFirst().error());
            }
            Completion completion = completions.getFirst();
            if (output != null) {
                write(output, new CompletionJson(echo).line(completion) + "\n");
            } else if (streaming) {
                System.out.println();
            } else {
                System.out.println(completion.choices().getFirst().text());
            }
            summarize(outcome.result(), System.err);
        }
        return 0;
    }

    private Integer generateBatch(SamplingParams defaults) {
        PrintStream err = System.err;
        PromptFile.Contents contents = PromptFile.read(source.input, defaults);
        List<JsonLines.LineError> malformed = new ArrayList<>(contents.malformed());
        refuseIfStrict(malformed);
        try (ResultFile results = output != null ? ResultFile.open(output, err) : null;
                RunInterruption interruption = interruptions.get()) {
            Set<String> done = results != null ? results.ids() : Set.of();
            List<PromptFile.Entry> pending = contents.entries().stream().filter(e -> !done.contains(e.id())).toList();
            if (pending.size() < contents.entries().size()) {
                err.printf("generate: %d of %d requests are already in %s; running the other %d%n",
                        contents.entries().size() - pending.size(), contents.entries().size(), output, pending.size());
            }
            if (pending.isEmpty()) {
                malformed.forEach(e -> err.println("generate: skipping " + e));
                err.println("generate: nothing to run");
                return 0;
            }
            try (ModelSource model = ModelSources.open(this.model)) {
                List<GenerationRun.Item> items = encode(model, pending, malformed);
                refuseIfStrict(malformed);
                malformed.forEach(e -> err.println("generate: skipping " + e));
                if (items.isEmpty()) {
                    err.println("generate: nothing to run");
                    return 0;
                }
                Consumer<String> sink = results != null ? results::append : GenerateCommand::printFlushed;
                return runBatch(model, items, sink, interruption, err);
            }
        }
    }

    private int runBatch(ModelSource model, List<GenerationRun.Item> items, Consumer<String> sink, RunInterruption interruption,
            PrintStream err) {
        GenerationRun run = newRun(model, items, null);
        CompletionJson json = new CompletionJson(echo);
        BatchProgress bar = new BatchProgress(err, BatchProgress.resolve(progress), items, System::nanoTime);
        int[] count = {0};
        GenerationRun.Observer observer = new GenerationRun.Observer() {
            @Override
            public void onToken() {
                bar.onToken();
            }

            @Override
            public void onCompletion(Completion completion) {
                sink.accept(json.line(completion));
                count[0]++;
                bar.onCompletion(completion);
                written.accept(completion);
            }
        };
        GenerationRun.Outcome outcome;
        try {
            outcome = run.run(items, observer, interruption);
        } catch (RunInterruption.Interrupted e) {
            bar.finish();
            err.printf("generate: %s: %d of %d requests written, %d remain; rerun the same command to resume%n",
                    e.getMessage(), count[0], items.size(), items.size() - count[0]);
            return EXIT_INTERRUPTED;
        }
        bar.finish();
        summarize(outcome.result(), err);
        if (!outcome.failures().isEmpty()) {
            outcome.failures().forEach(f -> err.println("generate: request " + f.id() + " failed: " + f.error()));
            err.printf("generate: %d requests failed; rerun the same command to retry them%n", outcome.failures().size());
            return EXIT_FAILED_REQUESTS;
        }
        return 0;
    }

    /** Each entry's prompt tokens; a prompt that cannot be encoded joins {@code malformed}. */
    private List<GenerationRun.Item> encode(ModelSource model, List<PromptFile.Entry> entries, List<JsonLines.LineError> malformed) {
        PromptEncoder encoder = encoder(model);
        if (!encoder.hasChatTemplate()) {
            entries.stream().filter(e -> e.prompt() instanceof PromptInput.Chat).findFirst().ifPresent(e -> {
                throw new IllegalArgumentException(source.input + " line " + e.line() + ": chat messages need a chat template, and "
                        + model.location() + " has none; give one with --chat-template FILE");
            });
        }
        List<GenerationRun.Item> items = new ArrayList<>();
        for (PromptFile.Entry e : entries) {
            try {
                items.add(new GenerationRun.Item(e, encoder.encode(e.prompt())));
            } catch (IllegalArgumentException problem) {
                malformed.add(new JsonLines.LineError(source.input, e.line(), problem.getMessage()));
            }
        }
        malformed.sort((a, b) -> Integer.compare(a.number(), b.number()));
        return items;
    }

    private void refuseIfStrict(List<JsonLines.LineError> malformed) {
        if (strict && !malformed.isEmpty()) {
            throw new IllegalArgumentException(malformed.size() + " malformed line(s) (--strict): "
                    + String.join("; ", malformed.stream().map(JsonLines.LineError::toString).toList()));
        }
    }

    private PromptEncoder encoder(ModelSource model) {
        return new PromptEncoder(model.tokenizer(), chatTemplate.resolve(model), model.config().contextLength());
    }

    private GenerationRun newRun(ModelSource model, List<GenerationRun.Item> items, PrintStream stream) {
        int blocks = GenerationRun.kvBlocks(model.config(), items, blockSize, (long) (kvCacheMib * (1 << 20)));
        PolicyOptions.Choice choice = scheduling.choose(this.model, model, pipeline.stageThreads(), System.err);
        return new GenerationRun(model, pipeline, choice, blocks, blockSize, stream);
    }

    private static void printFlushed(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    private static void summarize(RunResult r, PrintStream err) {
        err.printf("generate: %d requests, %d prompt + %d completion tokens in %.2f s (%.1f tokens/s, %.1f output tokens/s)%n",
                r.requests().size(), r.promptTokens(), r.outputTokens(), r.elapsedSeconds(), r.totalTokensPerSecond(),
                r.outputTokensPerSecond());
    }
}
