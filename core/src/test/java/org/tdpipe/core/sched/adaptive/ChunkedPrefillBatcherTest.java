package org.tdpipe.core.sched.adaptive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tdpipe.core.testing.TestRequests.waiting;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.testing.PolicyDriver;

/** Chunks of a prefill phase: longest remaining prompt first, each chunk filling the micro-batch. */
class ChunkedPrefillBatcherTest {
    private final BlockManager blocks = new BlockManager(100, 16, 0.0);
    private final List<Request> ignored = new ArrayList<>();

    private List<String> form(List<Request> plan, int chunk, int promptLimit) {
        ChunkedPrefillBatcher.Formed formed = new ChunkedPrefillBatcher(blocks, promptLimit).form(plan, chunk, 0, ignored::add);
        return PolicyDriver.slices(new StepBatch(0, Phase.PREFILL, formed.seqs(), 0));
    }

    @Test
    void theLongestRemainingPromptGoesFirst() {
        List<Request> plan = new ArrayList<>(List.of(waiting(0, 10, 5), waiting(1, 100, 5)));
        assertEquals(List.of("1:0+50"), form(plan, 50, 2048), "50 of request 1's 100 tokens fill the chunk");
    }

    @Test
    void theNextPromptFillsWhatTheChunkHasLeft() {
        // Request 1 (40 tokens) goes whole; request 0 gets the 10 tokens left of the 50.
        List<Request> plan = new ArrayList<>(List.of(waiting(0, 30, 5), waiting(1, 40, 5)));
        assertEquals(List.of("1:0+40s", "0:0+10"), form(plan, 50, 2048));
        assertEquals(1, plan.size(), "request 1 is fully launched and leaves the plan");
    }

    @Test
    void aPromptOfExactlyTheLimitIsPrefilled() {
        List<Request> plan = new ArrayList<>(List.of(waiting(0, 64, 5)));
        assertEquals(List.of("0:0+64s"), form(plan, 256, 64));
        assertEquals(List.of(), ignored);
    }
}
