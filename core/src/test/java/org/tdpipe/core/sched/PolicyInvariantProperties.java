package org.tdpipe.core.sched;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.tdpipe.core.sched.adaptive.AdaptiveOptions;
import org.tdpipe.core.sched.adaptive.AdaptiveTdPipePolicy;
import org.tdpipe.core.sched.vllm.VllmOptions;
import org.tdpipe.core.sched.vllm.VllmPolicies;

/**
 * DESIGN §7 invariants ({@link PolicyInvariants}) for every scheduler policy on random workloads
 * with tiny KV caches and 1–5 stages. Add new policies to {@link #POLICIES}.
 */
class PolicyInvariantProperties {
    /** Every policy the harness runs; small limits exercise the sequence cap and chunking. */
    /** Plans memory with the (here exact or pessimistic) predictions, as do its ablations: they need not preempt. */
    static final String ADAPTIVE = "td-pipe-adaptive";

    static final List<PolicyUnderTest> POLICIES = List.of(
            PolicyUnderTest.pipelined("td-pipe", ctx -> Policies.create("td-pipe", ctx)),
            PolicyUnderTest.pipelined("td-pipe/no-greedy/no-stealing", ctx -> Policies.create("td-pipe/no-greedy/no-stealing", ctx)),
            PolicyUnderTest.pipelined("td-pipe/memory-only", ctx -> Policies.create("td-pipe/memory-only", ctx)),
            PolicyUnderTest.pipelined("td-pipe/dist-memory", ctx -> Policies.create("td-pipe/dist-memory", ctx)),
            PolicyUnderTest.pipelined("td-pipe/no-predictor", ctx -> Policies.create("td-pipe/no-predictor", ctx)),
            PolicyUnderTest.pipelined(ADAPTIVE, ctx -> Policies.create("td-pipe-adaptive", ctx)),
            PolicyUnderTest.pipelined("td-pipe-adaptive/no-lookahead", ctx -> Policies.create("td-pipe-adaptive/no-lookahead", ctx)),
            PolicyUnderTest.pipelined("td-pipe-adaptive memory line 3 (overcommits)", ctx -> new AdaptiveTdPipePolicy(
                    "td-pipe-adaptive", ctx, AdaptiveOptions.derived().withMemoryLine(3))),
            PolicyUnderTest.pipelined("pp-vllm", ctx -> VllmPolicies.create(VllmPolicies.PP_VLLM, ctx)),
            PolicyUnderTest.pipelined("pp-vllm max_num_seqs=3",
                    ctx -> VllmPolicies.create(VllmPolicies.PP_VLLM, ctx, VllmOptions.defaults().withMaxNumSeqs(3))),
            PolicyUnderTest.tensorParallel("tp", ctx -> VllmPolicies.create(VllmPolicies.TP, ctx)),
            PolicyUnderTest.pipelined("pp-chunked", ctx -> VllmPolicies.create(VllmPolicies.PP_CHUNKED, ctx)),
            PolicyUnderTest.pipelined("pp-chunked budget=5 max_num_seqs=4", ctx -> VllmPolicies.create(
                    VllmPolicies.PP_CHUNKED, ctx, new VllmOptions(4, 5, VllmOptions.DEFAULT_WATERMARK))));

    @Provide
    Arbitrary<PolicyUnderTest> policies() {
        return Arbitraries.of(POLICIES);
    }

    @Provide
    Arbitrary<InvariantWorkload> workloads() {
        return InvariantWorkload.arbitrary();
    }

    @Property(tries = 400)
    void everyPolicyKeepsTheInvariants(@ForAll("policies") PolicyUnderTest policy,
            @ForAll("workloads") InvariantWorkload workload) {
        PolicyInvariants.check(policy, workload);
    }
}
