package org.tdpipe.core.sched;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tdpipe.core.engine.Engine;
import org.tdpipe.core.engine.EngineListener;
import org.tdpipe.core.engine.RunResult;
import org.tdpipe.core.engine.StopChecker;
import org.tdpipe.core.exec.SampledToken;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.testing.FakePipelineExecutor;

/**
 * The invariants of DESIGN §7 that every {@link SchedulerPolicy} must keep, checked by running a
 * policy in the real {@link Engine} on the {@link FakePipelineExecutor} (wrapped in a
 * {@link CheckingExecutor} that checks every launch, blocks included):
 * <ul>
 *   <li>no request is lost, duplicated or finished twice; every streamed token is in its output;
 *   <li>with ignore_eos a fitting request produces exactly its max_tokens;
 *   <li>KV blocks in use never exceed the cache, are owned by one request each, and are all free
 *       at the end;
 *   <li>each request's output (tokens and finish reason) is the one it gets alone on one stage:
 *       the fake model's tokens are a pure function of the context, so any difference means the
 *       engine or the policy corrupted a sequence (batching, chunking, preemption);
 *   <li>prompts too long for the cache or the model end IGNORED, and nothing hangs;
 *   <li>two runs of the same workload launch the same batches at the same times.
 * </ul>
 *
 * <p><b>Adding a policy:</b> append a {@link PolicyUnderTest} for it to
 * {@link PolicyInvariantProperties#POLICIES} (e.g.
 * {@code PolicyUnderTest.pipelined("td-pipe", ctx -> new TdPipePolicy(ctx, ...))}); the property
 * then runs it on random workloads ({@link InvariantWorkload#arbitrary()}). To check one
 * hand-made workload, call {@link #check} from a plain test.
 */
public final class PolicyInvariants {
    /** The EOS id of the fake model (its tokens are 3..502). */
    public static final int EOS = 3;
    private static final int MAX_LAUNCHES = 200_000;

    /** What one run produced, beyond the engine's result. */
    public record Run(RunResult result, List<String> launches, Map<Long, Integer> finishes,
            Map<Long, List<Integer>> streamed) {
    }

    private PolicyInvariants() {
    }

    /** Runs the workload once under the checking executor. */
    public static Run run(PolicyUnderTest policyUnderTest, InvariantWorkload workload) {
        PolicyContext ctx = workload.context();
        SchedulerPolicy policy = policyUnderTest.factory().apply(ctx);
        List<Request> requests = workload.newRequests();
        FakePipelineExecutor fake = new FakePipelineExecutor(workload.numStages(),
                policyUnderTest.maxInFlight(workload.numStages()), InvariantWorkload.FIXED_NANOS,
                InvariantWorkload.PER_TOKEN_NANOS);
        CheckingExecutor executor = new CheckingExecutor(fake, policy, ctx, requests, MAX_LAUNCHES);
        Map<Long, Integer> finishes = new HashMap<>();
        Map<Long, List<Integer>> streamed = new HashMap<>();
        EngineListener listener = new EngineListener() {
            @Override
            public boolean onToken(Request request, SampledToken token) {
                streamed.computeIfAbsent(request.id(), id -> new ArrayList<>()).add(token.token());
                return true;
            }

            @Override
            public void onFinished(Request request) {
                finishes.merge(request.id(), 1, Integer::sum);
            }
        };
        Engine engine = new Engine(executor, policy, ctx.predictor(), new StopChecker(EOS, ctx.maxModelLen()), listener);
        RunResult result = engine.run(requests);
        assertEquals(0, policy.numUnfinished(), "policy still holds requests: " + policy.stats());
        assertEquals(0, result.schedulerStats().usedBlocks(), "KV blocks not freed at the end: " + result.schedulerStats());
        return new Run(result, executor.launches(), finishes, streamed);
    }

    /** Checks every invariant of the class comment on one workload. */
    public static void check(PolicyUnderTest policy, InvariantWorkload workload) {
        Run run = run(policy, workload);
        List<Request> done = run.result().requests();
        assertEquals(workload.requests().size(), done.size(), "requests lost or added");
        for (int i = 0; i < done.size(); i++) {
            Request r = done.get(i);
            InvariantWorkload.Spec spec = workload.requests().get(i);
            String who = policy + ", " + r + " " + spec;
            assertEquals(i, r.id(), "result order");
            assertEquals(1, run.finishes().getOrDefault(r.id(), 0), who + ": finish notifications");
            assertTrue(r.blockTable().isEmpty(), who + ": blocks not freed");
            assertArrayEquals(toArray(run.streamed().getOrDefault(r.id(), List.of())), r.outputTokens(),
                    who + ": streamed tokens differ from the output");
            if (workload.isTooLong(spec)) {
                assertEquals(FinishReason.IGNORED, r.finishReason(), who + ": too long for the cache or model");
                assertEquals(0, r.numOutputTokens(), who + ": ignored request produced tokens");
                continue;
            }
            if (spec.ignoreEos()) {
                assertEquals(FinishReason.LENGTH, r.finishReason(), who);
                assertEquals(spec.maxTokens(), r.numOutputTokens(), who + ": ignore_eos must give max_tokens");
            }
            Request alone = run(policy, workload.alone(spec)).result().requests().get(0);
            assertEquals(alone.finishReason(), r.finishReason(), who + ": finish reason differs from running alone");
            assertArrayEquals(alone.outputTokens(), r.outputTokens(), who + ": output differs from running alone");
        }
        Run again = run(policy, workload);
        assertEquals(run.launches(), again.launches(), policy + ": a second run launched different batches");
    }

    private static int[] toArray(List<Integer> tokens) {
        return tokens.stream().mapToInt(Integer::intValue).toArray();
    }
}
