package org.tdpipe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.tdpipe.core.engine.RunResult;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.model.ModelSources;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tdpipe predictor dataset}: a text output-length dataset made with a real model. Composes
 * {@link StoryPrompts}, samples each with a temperature drawn from {@code --temperatures}, runs
 * them all together through the engine until the story ends or {@code max_tokens}, and writes
 * one JSONL line per prompt in the format {@code predictor train|eval} read.
 */
@Command(name = "dataset", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make a text output-length dataset: run a model on composed story openings and record each true output length.",
            "Each prompt is sampled (a temperature drawn from --temperatures, --top-p, its own seed) until the model ends the story "
                + "(EOS, or BOS for llama2.c models) or max_tokens; every line holds prompt, temperature, top_p, max_tokens, seed, "
                + "output_tokens, finish_reason and prompt_tokens. The same seed gives the same file."})
final class PredictorDatasetCommand implements Callable<Integer> {
    private static final int BLOCK_SIZE = 16;

    @Option(names = "--model", required = true, description = "A .gguf file, a llama2.c .bin checkpoint or a Hugging Face folder.")
    String model;

    @Option(names = "--num-prompts", required = true, description = "Prompts to compose and run.")
    int numPrompts;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the prompts, their temperatures and their sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "JSONL file to write.")
    Path out;

    @Option(names = "--max-tokens", defaultValue = "448", description = "Cap on each output, lowered to fit the context (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperatures", defaultValue = "0.5,0.8,1.0", split = ",",
            description = "Sampling temperatures, one drawn per prompt (default: ${DEFAULT-VALUE}).")
    List<Double> temperatures;

    @Option(names = "--top-p", defaultValue = "0.9", description = "Nucleus sampling for every prompt (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--kv-cache-mib", defaultValue = "256", description = "Upper bound on the KV cache size (default: ${DEFAULT-VALUE} MiB).")
    double kvCacheMib;

    @Mixin
    PipelineOptions pipeline;

    @Mixin
    PolicyOptions scheduling;

    @Override
    public Integer call() {
        if (numPrompts < 1 || maxTokens < 1) {
            throw new IllegalArgumentException("--num-prompts and --max-tokens must be >= 1, got " + numPrompts + " and " + maxTokens);
        }
        if (temperatures.isEmpty() || temperatures.stream().anyMatch(t -> !(t >= 0))) {
            throw new IllegalArgumentException("--temperatures must be numbers >= 0, got " + temperatures);
        }
        List<String> texts = StoryPrompts.compose(numPrompts, seed);
        SplittableRandom sampling = new SplittableRandom(seed ^ 0x5DEECE66DL);
        long start = System.nanoTime();
        try (ModelSource source = ModelSources.open(model)) {
            Tokenizer tokenizer = source.tokenizer();
            int context = source.config().contextLength();
            List<Integer> storyEnds = storyEnds(tokenizer);
            PromptEncoder encoder = new PromptEncoder(tokenizer, Optional.empty(), context);
            List<GenerationRun.Item> items = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                PromptInput prompt = new PromptInput.Text(texts.get(i));
                int[] ids = encoder.encode(prompt);
                int cap = Math.min(maxTokens, context - ids.length);
                if (cap < 1) {
                    throw new IllegalArgumentException("prompt " + i + " has " + ids.length + " tokens, the whole context of " + model);
                }
                double temperature = temperatures.get(sampling.nextInt(temperatures.size()));
                SamplingParams params = new SamplingParams(cap, temperature, topP, -1, 0, sampling.nextLong(), 1, 0, 0, false,
                        storyEnds, List.of(), 0);
                items.add(new GenerationRun.Item(new PromptFile.Entry(String.valueOf(i), i + 1, prompt, params, 1), ids));
            }
            int blocks = GenerationRun.kvBlocks(source.config(), items, BLOCK_SIZE, (long) (kvCacheMib * (1 << 20)));
            PolicyOptions.Choice choice = scheduling.choose(model, source, pipeline.stageThreads(), System.err);
            Map<String, Completion> completions = new HashMap<>();
            GenerationRun.Outcome outcome = new GenerationRun(source, pipeline, choice, blocks, BLOCK_SIZE, null)
                    .run(items, c -> completions.put(c.id(), c), new RunInterruption());
            if (!outcome.failures().isEmpty()) {
                throw new IllegalStateException("generation failed: " + outcome.failures().getFirst().error());
            }
            write(items, completions);
            RunResult r = outcome.result();
            long ended = completions.values().stream().filter(c -> c.choices().getFirst().finishReason().equals("stop")).count();
            System.out.printf(Locale.ROOT, "Wrote %d examples to %s: %d stories ended, %d reached max_tokens; %d output tokens in %.1f s (%.0f tokens/s)%n",
                    items.size(), out, ended, items.size() - ended, r.outputTokens(), (System.nanoTime() - start) / 1e9,
                    r.outputTokensPerSecond());
        }
        return 0;
    }

    /** The tokens that end a story: EOS; llama2.c models (stories260K) separate stories with BOS instead. */
    private static List<Integer> storyEnds(Tokenizer tokenizer) {
        return tokenizer.bosId() >= 0 && tokenizer.bosId() != tokenizer.eosId() ? List.of(tokenizer.bosId()) : List.of();
    }

    /** One line per item, in prompt order (completions arrive as they finish). */
    private void write(List<GenerationRun.Item> items, Map<String, Completion> completions) {
        ObjectMapper json = new ObjectMapper();
        try (Writer w = Files.newBufferedWriter(out)) {
            for (GenerationRun.Item item : items) {
                PromptFile.Entry e = item.entry();
                Completion c = completions.get(e.id());
                ObjectNode o = json.createObjectNode();
                o.put("id", e.id());
                o.put("prompt", ((PromptInput.Text) e.prompt()).text());
                o.put("temperature", e.sampling().temperature());
                o.put("top_p", e.sampling().topP());
                o.put("max_tokens", e.sampling().maxTokens());
                o.put("seed", e.sampling().seed());
                o.put("output_tokens", c.completionTokens());
                o.put("finish_reason", c.choices().getFirst().finishReason());
                o.put("prompt_tokens", c.promptTokens());
                w.write(json.writeValueAsString(o));
                w.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }
}
