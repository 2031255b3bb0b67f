package org.tdpipe.core.sched.vllm;

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

class ChunkedPrefillPolicyTest {

    private static PolicyDriver chunked(int blocks, int blockSize, int maxModelLen, int maxNumSeqs, int budget) {
        return new PolicyDriver(VllmPolicies.create(VllmPolicies.PP_CHUNKED,
                PolicyDriver.context(2, blocks, blockSize, maxModelLen), new VllmOptions(maxNumSeqs, budget, 0.01)));
    }

    @Test
    void decodesComeFirstThenPartialPrefillsThenNewRequests() {
        PolicyDriver d = chunked(100, 4, 64, 4, 8);
        d.add(3, 5);
        d.complete(d.launch());
        d.add(20, 2);

        StepBatch a = d.launch();
        assertEquals(List.of("0:3+1s", "1:0+7"), PolicyDriver.slices(a), "a chunk short of the prompt does not sample");
        assertEquals(Phase.MIXED, a.phase());
        assertTrue(d.tryLaunch().isEmpty(), "both requests are in flight");
        d.complete(a);

        d.add(5, 1);
        StepBatch b = d.launch();
        assertEquals(List.of("0:4+1s", "1:7+7"), PolicyDriver.slices(b), "the budget of 8 is used up");
        d.complete(b);
        StepBatch c = d.launch();
        assertEquals(List.of("0:5+1s", "1:14+6s", "2:0+1"), PolicyDriver.slices(c),
                "the partial prefill finishes before the new request starts");
    }

    @Test
    void aRequestInFlightIsInNoOtherBatch() {
        PolicyDriver d = chunked(100, 4, 64, 4, 8);
        d.add(3, 5);
        StepBatch a = d.launch();
        d.add(3, 5);
        StepBatch b = d.launch();
        assertEquals(List.of("1:0+3s"), PolicyDriver.slices(b));
        assertTrue(d.tryLaunch().isEmpty());
        assertEquals(2, d.policy().stats().running());
        d.complete(a);
        assertEquals(List.of("0:3+1s"), PolicyDriver.slices(d.launch()));
    }

    @Test
    void aDecodeWithoutFreeBlocksPreemptsTheYoungestReadyRequest() {
        PolicyDriver d = chunked(6, 2, 64, 4, 8);
        d.add(2, 9, 0);
        d.add(2, 9, 1);
        Request r2 = d.add(2, 9, 2);
        d.complete(d.launch());
        d.complete(d.launch()); // each request took a second block: none left
        d.complete(d.launch());

        StepBatch c = d.launch();
        assertEquals(List.of("0:4+1s", "1:4+1s"), PolicyDriver.slices(c));
        assertEquals(RequestStatus.WAITING, r2.status(), "r2 is preempted and cannot be re-admitted yet");
        assertEquals(1, d.policy().stats().preemptions());
        assertEquals(1, d.policy().stats().waiting());
    }

    @Test
    void anOlderRequestWaitsForAYoungerOneInFlightRatherThanPreemptItself() {
        PolicyDriver d = chunked(2, 2, 64, 4, 8);
        Request r0 = d.add(2, 9, 0);
        StepBatch a = d.launch();
        Request r1 = d.add(2, 9, 1);
        StepBatch b = d.launch();
        d.complete(a);

        assertTrue(d.tryLaunch().isEmpty(), "r0 needs a block held by r1, which is in flight");
        assertEquals(RequestStatus.READY, r0.status());
        assertEquals(0, d.policy().stats().preemptions());

        d.complete(b);
        assertEquals(List.of("0:2+1s"), PolicyDriver.slices(d.launch()));
        assertEquals(RequestStatus.WAITING, r1.status());
        assertEquals(1, d.policy().stats().preemptions());
    }

    @Test
    void requestsTooLongForTheModelOrTheCacheAreIgnored() {
        PolicyDriver d = chunked(4, 4, 20, 4, 8);
        Request overModel = d.add(21, 1);
        Request overCache = d.add(17, 1);
        d.add(4, 1);
        assertEquals(List.of("2:0+4s"), PolicyDriver.slices(d.launch()));
        assertEquals(List.of(overModel, overCache), d.ignored());
        assertEquals(FinishReason.IGNORED, overModel.finishReason());
        assertEquals(FinishReason.IGNORED, overCache.finishReason());
    }

    @Test
    void maxNumSeqsCapsTheRequestsHoldingBlocks() {
        PolicyDriver d = chunked(100, 4, 64, 2, 8);
        d.add(1, 1);
        d.add(1, 3);
        d.add(1, 3);
        StepBatch a = d.launch();
        assertEquals(List.of("0:0+1s", "1:0+1s"), PolicyDriver.slices(a));
        d.complete(a); // request 0 finishes and frees a place
        assertEquals(List.of("1:1+1s", "2:0+1s"), PolicyDriver.slices(d.launch()));
    }
}
