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
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.predict.ConstantPredictor;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.sched.PolicyContext;
import org.tdpipe.core.sched.SchedulerPolicy;
import org.tdpipe.core.sched.vllm.VllmOptions;
import org.tdpipe.core.sched.vllm.VllmPolicies;
import org.tdpipe.model.format.ModelConfig;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.StepOutput;
import org.tdpipe.model.sampling.SampledToken;
import org.tdpipe.model.sampling.StopStrings;
import org.tdpipe.model.tokenizer.StreamingDetokenizer;
import org.tdpipe.model.tokenizer.Tokenizer;

/**
 * Runs a list of prompts to completion together through the real {@link Engine} on an in-process
 * model (one stage on the calling thread, or a pipeline of stage threads: {@link PipelineOptions})
 * with chunked-prefill continuous batching ({@code pp-chunked}, one batch in flight per stage),
 * turning tokens into text as they come and enforcing stop strings.
 */
final class GenerationRun {
    /** Text and bookkeeping of one request while it runs. */
    private static final class Tracked {
        final PromptFile.Entry entry;
        final StreamingDetokenizer detokenizer;
        final StopStrings stops;
        final StringBuilder text = new StringBuilder();
        final List<SampledToken> logprobs = new ArrayList<>();
        boolean stopped;

        Tracked(PromptFile.Entry entry, Tokenizer tokenizer, int[] prompt) {
            this.entry = entry;
            this.stops = new StopStrings(entry.sampling().stop());
            this.detokenizer = new StreamingDetokenizer(tokenizer);
            for (int t : prompt) {
                detokenizer.accept(t);
            }
        }
    }

    private final ModelSource source;
    private final PipelineOptions pipeline;
    private final int numBlocks;
    private final int blockSize;
    private final int tokenBudget;
    private final PrintStream stream;

    /** {@code stream}: where to print text as it is generated, or null (only with a single prompt). */
    GenerationRun(ModelSource source, PipelineOptions pipeline, int numBlocks, int blockSize, int tokenBudget,
            PrintStream stream) {
        this.source = source;
        this.pipeline = pipeline;
        this.numBlocks = numBlocks;
        this.blockSize = blockSize;
        this.tokenBudget = tokenBudget;
        this.stream = stream;
    }

    /** Token ids of a prompt: BOS (when the vocabulary has one) followed by the encoded text. */
    static int[] encode(Tokenizer tokenizer, String prompt) {
        int[] ids = tokenizer.encode(prompt, tokenizer.bosId() >= 0);
        if (ids.length == 0) {
            throw new IllegalArgumentException("empty prompt and the vocabulary has no BOS token to start from");
        }
        return ids;
    }

    /** Blocks to hold every request at once, but no more than {@code maxBytes} of KV cache. */
    static int kvBlocks(ModelConfig c, List<int[]> prompts, List<PromptFile.Entry> entries, int blockSize, long maxBytes) {
        long needed = 0;
        for (int i = 0; i < prompts.size(); i++) {
            int tokens = Math.min(c.contextLength(), prompts.get(i).length + entries.get(i).sampling().maxTokens());
            needed += (tokens + blockSize - 1) / blockSize;
        }
        long perBlock = 2L * c.numLayers() * blockSize * c.numKvHeads() * c.headDim() * Float.BYTES;
        return (int) Math.max(1, Math.min(needed, maxBytes / perBlock));
    }

    RunResultWithCompletions run(List<PromptFile.Entry> entries, List<int[]> prompts) {
        Tokenizer tokenizer = source.tokenizer();
        ModelConfig config = source.config();
        Map<Request, Tracked> tracked = new HashMap<>();
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            PromptFile.Entry e = entries.get(i);
            Request r = new Request(i, e.id(), prompts.get(i), e.sampling(), 0);
            requests.add(r);
            tracked.put(r, new Tracked(e, tokenizer, prompts.get(i)));
        }
        EngineListener listener = new EngineListener() {
            @Override
            public boolean onToken(Request request, int token) {
                Tracked t = tracked.get(request);
                boolean special = !request.sampling().ignoreEos()
                        && (token == tokenizer.eosId() || request.sampling().stopTokenIds().contains(token));
                if (!special) {
                    append(t, t.detokenizer.accept(token));
                }
                return !t.stopped;
            }

            @Override
            public void onFinished(Request request) {
                Tracked t = tracked.get(request);
                if (!t.stopped) {
                    append(t, t.detokenizer.flush());
                }
            }
        };
        RunResult result;
        try (PipelineExecutor executor = pipeline.open(source, numBlocks, blockSize, out -> recordLogprobs(out, tracked))) {
            // vLLM V1's chunked-prefill continuous batching, one batch in flight per stage
            PolicyContext ctx = new PolicyContext(executor.numStages(), numBlocks, blockSize, config.contextLength(), null,
                    new ConstantPredictor(1));
            SchedulerPolicy policy = VllmPolicies.create(VllmPolicies.PP_CHUNKED, ctx,
                    VllmOptions.defaults().withMaxNumSeqs(Math.min(VllmOptions.defaults().maxNumSeqs(), tokenBudget))
                            .withMaxNumBatchedTokens(tokenBudget));
            Engine engine = new Engine(executor, policy, new ConstantPredictor(1),
                    new StopChecker(tokenizer.eosId(), config.contextLength()), listener);
            result = engine.run(requests);
        }
        List<Completion> completions = new ArrayList<>();
        for (Request r : requests) {
            Tracked t = tracked.get(r);
            if (r.error() != null) {
                throw new IllegalArgumentException("request " + r.externalId() + " failed: " + r.error());
            }
            String reason = r.finishReason().openAiName();
            completions.add(new Completion(r.externalId(), t.entry.prompt(), t.text.toString(), r.outputTokens(), reason,
                    r.promptLength(), r.numOutputTokens(), t.logprobs));
        }
        return new RunResultWithCompletions(result, completions);
    }

    /** The engine's run summary and each prompt's completion, in input order. */
    record RunResultWithCompletions(RunResult result, List<Completion> completions) {
    }

    /** Adds generated text, cutting it before a stop string (which marks the request stopped). */
    private void append(Tracked t, String delta) {
        int before = t.text.length();
        t.text.append(delta);
        if (t.stops.isEmpty()) {
            if (stream != null) {
                stream.print(delta);
                stream.flush();
            }
            return;
        }
        int at = t.stops.find(t.text.toString(), before);
        if (at >= 0) {
            t.text.setLength(at);
            t.stopped = true;
        }
    }

    private static void recordLogprobs(StepOutput out, Map<Request, Tracked> tracked) {
        int next = 0;
        for (ScheduledSeq seq : out.batch().seqs()) {
            if (seq.samples()) {
                SampledToken s = out.sampled().get(next++);
                if (seq.request().sampling().logprobs() > 0) {
                    tracked.get(seq.request()).logprobs.add(s);
                }
            }
        }
    }
}
