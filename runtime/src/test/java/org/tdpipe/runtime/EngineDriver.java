package org.tdpipe.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tdpipe.core.engine.Engine;
import org.tdpipe.core.engine.EngineListener;
import org.tdpipe.core.engine.StopChecker;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.exec.TokenLogprob;
import org.tdpipe.core.predict.ConstantPredictor;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.core.sched.Policies;
import org.tdpipe.core.sched.PolicyContext;
import org.tdpipe.core.sched.SchedulerPolicy;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.LayerRange;

/** Runs greedy requests for a few prompts through the real engine on an executor. */
public final class EngineDriver {
    public static final int BLOCKS = 128;
    public static final int BLOCK_SIZE = 16;
    /** What the tests' stages get: {@link #BLOCKS} blocks of {@link #BLOCK_SIZE}, one kernel thread, seed 0. */
    public static final StageResources RESOURCES = new StageResources(BLOCKS, BLOCK_SIZE, 1, 0);

    private EngineDriver() {
    }

    /** Greedy requests: BOS alone for 200 tokens (the llama2.c reference), then {@code prompts} for 40. */
    public static List<Request> requests(ModelSource source, List<String> prompts) {
        List<Request> out = new ArrayList<>();
        out.add(new Request(0, "bos", new int[] {source.tokenizer().bosId()}, SamplingParams.greedy(200).withIgnoreEos(true), 0));
        for (int i = 0; i < prompts.size(); i++) {
            out.add(new Request(i + 1, "p" + i, source.tokenizer().encode(prompts.get(i), true), SamplingParams.greedy(40), 0));
        }
        return out;
    }

    public static List<Request> run(ModelSource source, PipelineExecutor executor, String policy, List<Request> requests) {
        return run(source, executor, Policies.create(policy, context(source, executor)), requests);
    }

    /** What the policies of {@link #run} are built with. */
    public static PolicyContext context(ModelSource source, PipelineExecutor executor) {
        return new PolicyContext(executor.numStages(), BLOCKS, BLOCK_SIZE, source.config().contextLength(), null,
                new ConstantPredictor(1));
    }

    public static List<Request> run(ModelSource source, PipelineExecutor executor, SchedulerPolicy policy, List<Request> requests) {
        return run(source, executor, policy, requests, EngineListener.NONE);
    }

    public static List<Request> run(ModelSource source, PipelineExecutor executor, SchedulerPolicy policy, List<Request> requests,
            EngineListener listener) {
        Engine engine = new Engine(executor, policy, new ConstantPredictor(1),
                new StopChecker(source.tokenizer().eosId(), source.config().contextLength()), listener);
        engine.run(requests);
        return requests;
    }

    /**
     * Sampled requests for {@code prompts} (seed 100 + i, temperature, top-k/p and every penalty, 3
     * log-probabilities each) run under pp-chunked; returns what each one sampled.
     */
    public static List<List<SampledToken>> seededOutputs(ModelSource source, PipelineExecutor executor, List<String> prompts) {
        List<Request> requests = new ArrayList<>();
        Map<Request, List<SampledToken>> sampled = new LinkedHashMap<>();
        for (int i = 0; i < prompts.size(); i++) {
            SamplingParams p = new SamplingParams(32, 0.9, 0.95, 40, 0.02, 100L + i, 1.1, 0.3, 0.2, true, List.of(), List.of(), 3);
            Request r = new Request(i, "s" + i, source.tokenizer().encode(prompts.get(i), true), p, 0);
            requests.add(r);
            sampled.put(r, new ArrayList<>());
        }
        run(source, executor, Policies.create("pp-chunked", context(source, executor)), requests, new EngineListener() {
            @Override
            public boolean onToken(Request request, SampledToken token) {
                sampled.get(request).add(token);
                return true;
            }
        });
        return List.copyOf(sampled.values());
    }

    /**
     * The same tokens, top tokens and log-probabilities within 1e-5: the Vector API leaves the
     * order of a float reduction open, so a process whose kernels are not compiled yet may round
     * the last bits differently.
     */
    public static void assertSameSamples(List<List<SampledToken>> expected, List<List<SampledToken>> actual, String what) {
        assertSameSamples(expected, actual, 1e-5, what);
    }

    /** The same tokens and top tokens, log-probabilities within {@code tolerance}. */
    public static void assertSameSamples(List<List<SampledToken>> expected, List<List<SampledToken>> actual, double tolerance,
            String what) {
        assertEquals(expected.size(), actual.size(), what);
        for (int r = 0; r < expected.size(); r++) {
            assertEquals(expected.get(r).size(), actual.get(r).size(), what + ", request " + r);
            for (int t = 0; t < expected.get(r).size(); t++) {
                SampledToken e = expected.get(r).get(t);
                SampledToken a = actual.get(r).get(t);
                String where = what + ", request " + r + ", token " + t;
                assertEquals(e.token(), a.token(), where);
                assertEquals(e.logprob(), a.logprob(), tolerance, where);
                assertEquals(e.topLogprobs().stream().map(TokenLogprob::token).toList(),
                        a.topLogprobs().stream().map(TokenLogprob::token).toList(), where);
                for (int k = 0; k < e.topLogprobs().size(); k++) {
                    assertEquals(e.topLogprobs().get(k).logprob(), a.topLogprobs().get(k).logprob(), tolerance, where);
                }
            }
        }
    }

    /** {@code stages} ranges balanced as the CLI balances them. */
    public static List<LayerRange> balanced(ModelSource source, int stages) {
        return LayerPartitioner.balanced(StageCosts.of(source.config(), 0.5), stages);
    }

    /** Every request finished without an error, with the output tokens expected of it. */
    public static void assertFinishedWith(List<int[]> expected, List<Request> requests) {
        assertEquals(expected.size(), requests.size());
        for (int i = 0; i < requests.size(); i++) {
            assertNull(requests.get(i).error(), requests.get(i).externalId());
            assertArrayEquals(expected.get(i), requests.get(i).outputTokens(), requests.get(i).externalId());
        }
    }

    /** Output tokens of each of {@link #requests}, run on one stage. */
    /** {@link #seededOutputs} of {@code prompts} on one unsplit local stage: the reference of every split. */
    public static List<List<SampledToken>> singleStageSeededOutputs(ModelSource source, List<String> prompts) {
        try (LocalExecutor one = LocalExecutor.open(source, balanced(source, 1), RESOURCES, BatchDeadline.AUTO)) {
            return seededOutputs(source, one, prompts);
        }
    }

    public static List<int[]> singleStageOutputs(ModelSource source, List<String> prompts) {
        int layers = source.config().numLayers();
        try (LocalExecutor executor = LocalExecutor.open(source, List.of(new LayerRange(0, layers, layers)),
                new StageResources(BLOCKS, BLOCK_SIZE, 1, 0), BatchDeadline.AUTO)) {
            return run(source, executor, "pp-chunked", requests(source, prompts)).stream().map(Request::outputTokens).toList();
        }
    }
}
