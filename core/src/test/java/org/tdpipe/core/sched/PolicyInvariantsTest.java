package org.tdpipe.core.sched;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.sched.vllm.VllmPolicies;

/** Fixed workloads for every policy of the harness, and the harness catching broken policies. */
class PolicyInvariantsTest {

    /** 24 short prompts with long outputs on a cache that holds a few of them: heavy preemption. */
    private static InvariantWorkload crowded(int numStages) {
        List<InvariantWorkload.Spec> specs = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            int[] prompt = {i, i * 7 % 11, 5};
            specs.add(new InvariantWorkload.Spec(prompt, 9 + i % 4, i % 3 != 0, List.of(40, 41, 42), i % 5 * 3_000L));
        }
        specs.add(new InvariantWorkload.Spec(new int[200], 4, true, List.of(), 0)); // longer than the whole cache
        return new InvariantWorkload(numStages, 2, 10, 64, specs);
    }

    @Test
    void everyPolicyKeepsTheInvariantsUnderHeavyPreemption() {
        for (PolicyUnderTest policy : PolicyInvariantProperties.POLICIES) {
            long preemptions = 0;
            for (int stages = 1; stages <= 5; stages++) {
                InvariantWorkload workload = crowded(stages);
                PolicyInvariants.check(policy, workload);
                preemptions += PolicyInvariants.run(policy, workload).result().schedulerStats().preemptions();
            }
            assertTrue(preemptions > 0 || policy.label().startsWith(PolicyInvariantProperties.ADAPTIVE + "/") || policy.label().equals(PolicyInvariantProperties.ADAPTIVE),
                    policy + " was expected to preempt");
        }
    }

    @Test
    void aPolicyLaunchingARequestTwiceIsCaught() {
        PolicyUnderTest twice = broken(batch -> batch, true);
        AssertionError e = assertThrows(AssertionError.class, () -> PolicyInvariants.check(twice, crowded(2)));
        assertTrue(e.getMessage().contains("already in a batch in flight"), e.getMessage());
    }

    @Test
    void aPolicySamplingInTheMiddleOfASequenceIsCaught() {
        PolicyUnderTest early = broken(batch -> {
            List<ScheduledSeq> seqs = new ArrayList<>();
            for (ScheduledSeq s : batch.seqs()) {
                seqs.add(s.numTokens() > 1 ? new ScheduledSeq(s.request(), s.start(), s.numTokens() - 1, true) : s);
            }
            return new StepBatch(batch.id(), batch.phase(), seqs, batch.stream());
        }, false);
        AssertionError e = assertThrows(AssertionError.class, () -> PolicyInvariants.check(early, crowded(2)));
        assertTrue(e.getMessage().contains("samples=true"), e.getMessage());
    }

    /** pp-chunked whose batches are rewritten, and optionally launched a second time. */
    private static PolicyUnderTest broken(UnaryOperator<StepBatch> rewrite, boolean relaunch) {
        return PolicyUnderTest.pipelined("broken", ctx -> new SchedulerPolicy() {
            private final SchedulerPolicy real = VllmPolicies.create(VllmPolicies.PP_CHUNKED, ctx);
            private StepBatch last;

            @Override
            public String name() {
                return "broken";
            }

            @Override
            public void add(Request request) {
                real.add(request);
            }

            @Override
            public Optional<StepBatch> schedule(long nowNanos, Consumer<Request> onIgnored) {
                if (relaunch && last != null) {
                    StepBatch again = new StepBatch(last.id() + 1_000_000, last.phase(), last.seqs(), last.stream());
                    last = null;
                    return Optional.of(again);
                }
                Optional<StepBatch> batch = real.schedule(nowNanos, onIgnored).map(rewrite);
                last = batch.orElse(null);
                return batch;
            }

            @Override
            public void onBatchComplete(StepBatch batch) {
                real.onBatchComplete(batch);
            }

            @Override
            public void recompute(Request request) {
                real.recompute(request);
            }

            @Override
            public void remove(Request request) {
                real.remove(request);
            }

            @Override
            public int numUnfinished() {
                return real.numUnfinished();
            }

            @Override
            public SchedulerStats stats() {
                return real.stats();
            }
        });
    }
}
