package org.tdpipe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tdpipe.core.engine.RunResult;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.model.ModelSources;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.sampling.SampledToken;
import org.tdpipe.model.sampling.TokenLogprob;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tdpipe generate}: text generation on the CPU model, one prompt or a JSONL batch. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Generates text on the CPU (all prompts of a file run together, continuously batched).",
            "With --prompt the completion is printed to stdout as it is generated; with --input each line's",
            "result is written as JSON (id, prompt, text, token_ids, finish_reason, prompt_tokens, completion_tokens)."})
final class GenerateCommand implements Callable<Integer> {
    static final class Source {
        @Option(names = "--prompt", description = "One prompt (\"\" starts from BOS).")
        String prompt;

        @Option(names = "--input", description = "JSONL file, one {\"prompt\": ..., optional sampling fields} per line.")
        Path input;
    }

    @Option(names = "--model", required = true,
            description = "A .gguf file, a llama2.c .bin checkpoint, a Hugging Face folder, or dummy:<name or config.json>[:<type>] (e.g. dummy:llama-110m, dummy:llama-2-7b:q4_0).")
    String model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--output", description = "Write the results as JSONL here (default: stdout for --input).")
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
    PipelineOptions pipeline;

    @Option(names = "--block-size", defaultValue = "16", description = "Tokens per KV block (default ${DEFAULT-VALUE}).")
    int blockSize;

    @Option(names = "--kv-cache-mib", defaultValue = "4096", description = "Upper bound on the KV cache size (default ${DEFAULT-VALUE} MiB).")
    double kvCacheMib;

    @Option(names = "--max-batched-tokens", defaultValue = "2048", description = "Token budget of one step (default ${DEFAULT-VALUE}).")
    int maxBatchedTokens;

    @Override
    public Integer call() {
        SamplingParams defaults = new SamplingParams(maxTokens, temperature, topP, topK, minP, seed, repetitionPenalty,
                presencePenalty, frequencyPenalty, ignoreEos, List.of(), stop, logprobs);
        List<PromptFile.Entry> entries = source.prompt != null
                ? List.of(new PromptFile.Entry("0", source.prompt, defaults))
                : PromptFile.read(source.input, defaults);
        try (ModelSource model = ModelSources.open(this.model)) {
            List<int[]> prompts = entries.stream().map(e -> GenerationRun.encode(model.tokenizer(), e.prompt())).toList();
            int blocks = GenerationRun.kvBlocks(model.config(), prompts, entries, blockSize, (long) (kvCacheMib * (1 << 20)));
            boolean streaming = source.prompt != null && output == null && stop.isEmpty();
            GenerationRun.RunResultWithCompletions run = new GenerationRun(model, pipeline, blocks, blockSize,
                    maxBatchedTokens, streaming ? System.out : null).run(entries, prompts);
            if (output != null || source.input != null) {
                writeJsonl(run.completions());
            } else if (streaming) {
                System.out.println();
            } else {
                System.out.println(run.completions().getFirst().text());
            }
            summarize(run.result(), System.err);
        }
        return 0;
    }

    private void writeJsonl(List<Completion> completions) {
        ObjectMapper json = new ObjectMapper();
        if (output == null) {
            for (Completion c : completions) {
                System.out.println(toJson(json, c).toString());
            }
            return;
        }
        try (Writer w = Files.newBufferedWriter(output)) {
            for (Completion c : completions) {
                w.write(json.writeValueAsString(toJson(json, c)));
                w.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + output + ": " + e.getMessage(), e);
        }
    }

    private static ObjectNode toJson(ObjectMapper json, Completion c) {
        ObjectNode o = json.createObjectNode();
        o.put("id", c.id());
        o.put("prompt", c.prompt());
        o.put("text", c.text());
        ArrayNode ids = o.putArray("token_ids");
        for (int t : c.tokenIds()) {
            ids.add(t);
        }
        o.put("finish_reason", c.finishReason());
        o.put("prompt_tokens", c.promptTokens());
        o.put("completion_tokens", c.completionTokens());
        if (!c.logprobs().isEmpty()) {
            ArrayNode lp = o.putArray("logprobs");
            for (SampledToken s : c.logprobs()) {
                ObjectNode t = lp.addObject();
                t.put("token", s.token());
                t.put("logprob", s.logprob());
                ArrayNode top = t.putArray("top_logprobs");
                for (TokenLogprob l : s.topLogprobs()) {
                    top.addObject().put("token", l.token()).put("logprob", l.logprob());
                }
            }
        }
        return o;
    }

    private static void summarize(RunResult r, PrintStream err) {
        err.printf("generate: %d requests, %d prompt + %d completion tokens in %.2f s (%.1f tokens/s, %.1f output tokens/s)%n",
                r.requests().size(), r.promptTokens(), r.outputTokens(), r.elapsedSeconds(), r.totalTokensPerSecond(),
                r.outputTokensPerSecond());
    }
}
