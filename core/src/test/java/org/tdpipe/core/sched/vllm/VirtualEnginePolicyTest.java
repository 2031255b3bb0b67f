package org.tdpipe.core.sched.vllm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.RequestStatus;
import org.tdpipe.core.testing.PolicyDriver;

class VirtualEnginePolicyTest {

    private static PolicyDriver ppVllm(int stages, int blocks, int blockSize) {
        return new PolicyDriver(VllmPolicies.create(VllmPolicies.PP_VLLM, PolicyDriver.context(stages, blocks, blockSize, 64)));
    }

    private static PolicyDriver tp(int blocks, int blockSize, int maxModelLen, VllmOptions options) {
        return new PolicyDriver(VllmPolicies.create(VllmPolicies.TP, PolicyDriver.context(4, blocks, blockSize, maxModelLen), options));
    }

    @Test
    void newRequestsGoToTheVirtualEngineWithFewestUnfinished() {
        PolicyDriver d = ppVllm(3, 30, 4);
        d.add(4, 1);
        d.add(4, 5);
        d.add(4, 5);
        d.add(4, 1);
        d.add(4, 5);

        StepBatch ve0 = d.launch();
        StepBatch ve1 = d.launch();
        StepBatch ve2 = d.launch();
        assertEquals(List.of(0, 1, 2), List.of(ve0.stream(), ve1.stream(), ve2.stream()));
        assertEquals(List.of("0:0+4s", "3:0+4s"), PolicyDriver.slices(ve0));
        assertEquals(List.of("1:0+4s", "4:0+4s"), PolicyDriver.slices(ve1));
        assertEquals(List.of("2:0+4s"), PolicyDriver.slices(ve2));
        assertTrue(d.tryLaunch().isEmpty(), "each virtual engine has one step in flight");

        d.complete(ve0); // both of its requests finish: it is now the least loaded
        d.add(4, 5);
        StepBatch next = d.launch();
        assertEquals(0, next.stream());
        assertEquals(List.of("5:0+4s"), PolicyDriver.slices(next));
    }

    @Test
    void eachVirtualEngineOwnsADisjointSliceOfTheBlocks() {
        PolicyDriver d = ppVllm(3, 10, 4);
        Request r0 = d.add(12, 2);
        Request r1 = d.add(12, 2);
        Request r2 = d.add(12, 2);
        Request tooBig = d.add(13, 2); // 4 blocks: more than the 3 of a virtual engine

        assertEquals(9, d.policy().stats().totalBlocks(), "10 blocks split 3 ways: 3 each");
        d.launch();
        d.launch();
        d.launch();
        assertArrayEquals(new int[] {0, 1, 2}, r0.blockTable().toArray());
        assertArrayEquals(new int[] {3, 4, 5}, r1.blockTable().toArray());
        assertArrayEquals(new int[] {6, 7, 8}, r2.blockTable().toArray());
        assertEquals(9, d.policy().stats().usedBlocks());
        assertEquals(List.of(tooBig), d.ignored());
        assertEquals(FinishReason.IGNORED, tooBig.finishReason());

        PolicyDriver single = tp(10, 4, 64, VllmOptions.defaults());
        Request fits = single.add(13, 2);
        assertEquals(List.of("0:0+13s"), PolicyDriver.slices(single.launch()));
        assertEquals(4, fits.blockTable().size());
    }

    @Test
    void waitingRequestsArePrefilledBeforeRunningOnesDecode() {
        PolicyDriver d = tp(100, 4, 64, VllmOptions.defaults());
        d.add(4, 10);
        StepBatch first = d.launch();
        d.complete(first);
        d.add(4, 10);
        d.add(4, 10);

        StepBatch prefill = d.launch();
        assertEquals(Phase.PREFILL, prefill.phase());
        assertEquals(List.of("1:0+4s", "2:0+4s"), PolicyDriver.slices(prefill), "request 0 waits for the prefill");
        d.complete(prefill);

        StepBatch decode = d.launch();
        assertEquals(Phase.DECODE, decode.phase());
        assertEquals(List.of("0:4+1s", "1:4+1s", "2:4+1s"), PolicyDriver.slices(decode), "every running request decodes");
    }

    @Test
    void prefillsAreBoundedByTheTokenBudgetAndTheSequenceLimit() {
        PolicyDriver d = tp(100, 4, 16, new VllmOptions(2, 16, 0.01));
        d.add(10, 5);
        d.add(10, 5);
        d.add(3, 5);

        StepBatch a = d.launch();
        assertEquals(List.of("0:0+10s"), PolicyDriver.slices(a), "10 + 10 tokens exceed the budget of 16");
        d.complete(a);
        StepBatch b = d.launch();
        assertEquals(List.of("1:0+10s"), PolicyDriver.slices(b), "2 running sequences reach max_num_seqs");
        d.complete(b);
        StepBatch c = d.launch();
        assertEquals(List.of("0:10+1s", "1:10+1s"), PolicyDriver.slices(c), "request 2 cannot be admitted: decode");
    }

    @Test
    void aDecodeWithoutFreeBlocksPreemptsTheYoungestAndItIsRecomputedFirst() {
        PolicyDriver d = tp(4, 2, 64, VllmOptions.defaults());
        Request r0 = d.add(2, 5, 0);
        Request r1 = d.add(2, 5, 1);
        Request r2 = d.add(2, 5, 2);
        StepBatch prefill = d.launch();
        assertEquals(3, prefill.seqs().size());
        d.complete(prefill);

        StepBatch a = d.launch(); // r0 takes the last free block; r1 needs one: preempt r2
        assertEquals(List.of("0:2+1s", "1:2+1s"), PolicyDriver.slices(a));
        assertEquals(RequestStatus.WAITING, r2.status());
        assertEquals(0, r2.numComputedTokens());
        assertEquals(1, r2.preemptions());
        assertEquals(1, d.policy().stats().preemptions());
        d.complete(a);

        StepBatch b = d.launch(); // r2 needs 2 blocks, none free: decode goes on
        assertEquals(List.of("0:3+1s", "1:3+1s"), PolicyDriver.slices(b));
        d.complete(b);
        StepBatch c = d.launch(); // r0 needs a third block: preempt r1 (now the youngest running)
        assertEquals(List.of("0:4+1s"), PolicyDriver.slices(c));
        assertEquals(RequestStatus.WAITING, r1.status());
        d.complete(c);
        StepBatch e = d.launch(); // r1 (5 tokens, 3 blocks) does not fit yet
        assertEquals(List.of("0:5+1s"), PolicyDriver.slices(e));
        d.complete(e);
        assertEquals(FinishReason.LENGTH, r0.finishReason());

        StepBatch recompute = d.launch();
        assertEquals(List.of("1:0+5s"), PolicyDriver.slices(recompute),
                "the older preempted request is at the front; prompt + generated tokens are re-prefilled");
        assertEquals(2, d.policy().stats().preemptions());
    }

    @Test
    void prefillAndDecodeStepsOfDifferentVirtualEnginesInterleave() {
        PolicyDriver d = ppVllm(2, 40, 4);
        d.add(4, 3);
        d.add(4, 3);
        StepBatch a = d.launch();
        StepBatch b = d.launch();
        d.complete(a);
        d.add(4, 3); // tie between the engines: the lowest index
        StepBatch c = d.launch();
        assertEquals(0, c.stream());
        assertEquals(Phase.PREFILL, c.phase(), "prefill first, virtual engine 0's decode waits");
        d.complete(b);
        StepBatch e = d.launch();
        assertEquals(1, e.stream());
        assertEquals(Phase.DECODE, e.phase());
        assertEquals(1, d.policy().stats().phaseSwitches());
        assertEquals(2, d.policy().stats().running(), "requests in flight");
    }

    @Test
    void anAbortedReadyRequestLeavesAndFreesItsBlocks() {
        PolicyDriver d = tp(10, 4, 64, VllmOptions.defaults());
        Request r = d.add(8, 5);
        d.complete(d.launch());
        assertEquals(1, d.policy().stats().ready());
        r.markFinished(FinishReason.ABORT, 0);
        d.policy().remove(r);
        assertEquals(0, d.policy().numUnfinished());
        assertEquals(0, d.policy().stats().usedBlocks());
        assertTrue(d.tryLaunch().isEmpty());
    }
}
