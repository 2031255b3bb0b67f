package org.tdpipe.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tdpipe.core.engine.Engine;
import org.tdpipe.core.engine.EngineListener;
import org.tdpipe.core.engine.RunResult;
import org.tdpipe.core.engine.StopChecker;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.core.sched.PolicyContext;
import org.tdpipe.model.format.ModelConfig;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.KvCache;
import org.tdpipe.model.sampling.OutputText;
import org.tdpipe.model.sampling.OutputTextOptions;
import org.tdpipe.model.tokenizer.Tokenizer;

/**
 * Runs a list of prompts to completion together through the real {@link Engine} on a pipeline of
 * stage threads or workers ({@link PipelineOptions}) under the chosen policy ({@link PolicyOptions}), turning tokens into
 * text as they come, enforcing stop strings, and handing each completion over as it finishes.
 */
final class GenerationRun {
    /** A request to run: its entry and its prompt's token ids. */
    record Item(PromptFile.Entry entry, int[] promptTokens) {
    }

    /** Hears about progress, on the engine thread. */
    interface Observer {
        /** One more token was generated (for throughput). */
        default void onToken() {
        }

        /** A line completed (all its choices); it is not mentioned again. */
        void onCompletion(Completion completion);
    }

    /** A line that failed (a worker fault in one of its choices): it has no completion and can be retried. */
    record Failure(String id, String error) {
    }

    /** How the run ended: the engine's summary, and the requests that failed. */
    record Outcome(RunResult result, List<Failure> failures) {
    }

    /** The choices of one line as they finish; complete when all {@code n} have. */
    private static final class Line {
        final PromptFile.Entry entry;
        final Completion.Choice[] choices;
        int finished;
        boolean failed;

        Line(PromptFile.Entry entry) {
            this.entry = entry;
            this.choices = new Completion.Choice[entry.n()];
        }
    }

    /** Text and bookkeeping of one engine request (one choice of a line) while it runs. */
    private static final class Tracked {
        final Line line;
        final int choice;
        final OutputText text;
        final List<SampledToken> logprobs = new ArrayList<>();
        int printed;

        Tracked(Line line, int choice, Tokenizer tokenizer, int[] prompt, SamplingParams sampling) {
            this.line = line;
            this.choice = choice;
            this.text = new OutputText(tokenizer, prompt, sampling, OutputTextOptions.DEFAULT);
        }
    }

    private final ModelSource source;
    private final PipelineOptions pipeline;
    private final PolicyOptions.Choice scheduling;
    private final int numBlocks;
    private final int blockSize;
    private final PrintStream stream;

    /** {@code stream}: where to print text as it is generated, or null (only with a single prompt). */
    GenerationRun(ModelSource source, PipelineOptions pipeline, PolicyOptions.Choice scheduling, int numBlocks, int blockSize,
            PrintStream stream) {
        this.source = source;
        this.pipeline = pipeline;
        this.scheduling = scheduling;
        this.numBlocks = numBlocks;
        this.blockSize = blockSize;
        this.stream = stream;
    }

    /** Blocks to hold every request (each choice of each line) at once, but no more than {@code maxBytes} of KV cache. */
    static int kvBlocks(ModelConfig c, List<Item> items, int blockSize, long maxBytes) {
        long needed = 0;
        for (Item item : items) {
            int tokens = Math.min(c.contextLength(), item.promptTokens().length + item.entry().sampling().maxTokens());
            needed += (long) item.entry().n() * ((tokens + blockSize - 1) / blockSize);
        }
        int fit = KvCache.blocksForBytes(maxBytes, c.numLayers(), blockSize, c.numKvHeads() * c.headDim());
        return (int) Math.max(1, Math.min(needed, fit));
    }

    /**
     * Runs every item, one engine request per choice, all arriving at once. An {@code interruption}
     * stops the run after the step under way: it throws {@link RunInterruption.Interrupted}, and
     * completions already handed over are all there is.
     */
    Outcome run(List<Item> items, Observer observer, RunInterruption interruption) {
        Tokenizer tokenizer = source.tokenizer();
        ModelConfig config = source.config();
        Map<Request, Tracked> tracked = new HashMap<>();
        List<Request> requests = new ArrayList<>();
        for (Item item : items) {
            Line line = new Line(item.entry());
            for (int choice = 0; choice < item.entry().n(); choice++) {
                Request r = new Request(requests.size(), item.entry().id(), item.promptTokens(),
                        item.entry().sampling().forChoice(choice), 0);
                requests.add(r);
                tracked.put(r, new Tracked(line, choice, tokenizer, item.promptTokens(), r.sampling()));
            }
        }
        List<Failure> failures = new ArrayList<>();
        EngineListener listener = new EngineListener() {
            @Override
            public boolean onToken(Request request, SampledToken sampled) {
                interruption.throwIfRequested();
                observer.onToken();
                Tracked t = tracked.get(request);
                if (request.sampling().logprobs() > 0) {
                    t.logprobs.add(sampled);
                }
                boolean more = t.text.accept(sampled.token());
                print(t, more ? t.text.length() - t.text.holdBack() : t.text.length());
                return more;
            }

            @Override
            public void onFinished(Request request) {
                Tracked t = tracked.get(request);
                Line line = t.line;
                line.finished++;
                if (request.error() != null) {
                    if (!line.failed) {
                        failures.add(new Failure(line.entry.id(), request.error()));
                    }
                    line.failed = true;
                    return;
                }
                t.text.finish();
                print(t, t.text.length());
                line.choices[t.choice] = new Completion.Choice(t.text.text(), request.outputTokens(),
                        request.finishReason().openAiName(), request.numOutputTokens(), t.logprobs);
                if (line.finished == line.choices.length && !line.failed) {
                    observer.onCompletion(new Completion(line.entry.id(), line.entry.prompt(), request.promptLength(),
                            List.of(line.choices)));
                }
            }
        };
        try (PipelineExecutor executor = pipeline.open(source, numBlocks, blockSize, scheduling.tensorParallel())) {
            PolicyContext ctx = new PolicyContext(executor.numStages(), numBlocks, blockSize, config.contextLength(),
                    scheduling.profile(), scheduling.predictor());
            Engine engine = new Engine(executor, scheduling.policy().apply(ctx), scheduling.predictor(),
                    new StopChecker(tokenizer.eosId(), config.contextLength()), listener);
            return new Outcome(engine.run(requests), failures);
        }
    }

    /** Prints the text of {@code t} up to {@code end} not printed yet, when streaming. */
    private void print(Tracked t, int end) {
        if (stream != null && end > t.printed) {
            stream.print(t.text.text(t.printed, end));
            stream.flush();
            t.printed = end;
        }
    }
}
