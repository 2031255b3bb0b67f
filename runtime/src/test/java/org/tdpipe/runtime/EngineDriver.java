package org.tdpipe.runtime;

import java.util.ArrayList;
import java.util.List;
import org.tdpipe.core.engine.Engine;
import org.tdpipe.core.engine.EngineListener;
import org.tdpipe.core.engine.StopChecker;
import org.tdpipe.core.exec.PipelineExecutor;
import org.tdpipe.core.predict.ConstantPredictor;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;
import org.tdpipe.core.sched.Policies;
import org.tdpipe.core.sched.PolicyContext;
import org.tdpipe.core.sched.SchedulerPolicy;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.llama.LocalModelExecutor;
import org.tdpipe.model.llama.LocalModelRunner;
import org.tdpipe.model.llama.RunnerOptions;

/** Runs greedy requests for a few prompts through the real engine on an executor. */
public final class EngineDriver {
    public static final int BLOCKS = 128;
    public static final int BLOCK_SIZE = 16;

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
        Engine engine = new Engine(executor, policy, new ConstantPredictor(1),
                new StopChecker(source.tokenizer().eosId(), source.config().contextLength()), EngineListener.NONE);
        engine.run(requests);
        return requests;
    }

    /** Output tokens of each of {@link #requests}, run on one stage by the synchronous reference executor. */
    public static List<int[]> singleStageOutputs(ModelSource source, List<String> prompts) {
        RunnerOptions options = new RunnerOptions(1, BLOCKS, BLOCK_SIZE, 1, 0);
        try (LocalModelExecutor executor = new LocalModelExecutor(new LocalModelRunner(source, options))) {
            return run(source, executor, "pp-chunked", requests(source, prompts)).stream().map(Request::outputTokens).toList();
        }
    }
}
