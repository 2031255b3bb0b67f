package org.tdpipe.core.request;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tdpipe.core.kv.BlockManager;

class RequestTest {
    @Test
    void lifecycleKeepsGeneratedTokensThroughPreemption() {
        BlockManager blocks = new BlockManager(10, 4, 0);
        Request r = new Request(1, "a", new int[] {5, 6, 7}, SamplingParams.greedy(10), 0);
        blocks.ensureCapacity(r, 3);
        r.markRunning(10);
        r.markComputed(3);
        r.appendToken(8, 20);
        r.markReady();
        assertEquals(1, r.numUncomputedTokens());
        blocks.free(r);
        r.markPreempted();
        assertEquals(RequestStatus.WAITING, r.status());
        assertEquals(4, r.numUncomputedTokens(), "re-prefilled with prompt + generated tokens");
        assertArrayEquals(new int[] {5, 6, 7, 8}, r.tokens(0, 4));
        assertEquals(1, r.preemptions());
        assertEquals(20, r.firstTokenNanos());
    }

    @Test
    void illegalTransitionsFailLoudly() {
        Request r = new Request(1, "a", new int[] {1}, SamplingParams.greedy(10), 0);
        assertThrows(IllegalStateException.class, () -> r.appendToken(1, 0), "not running");
        assertThrows(IllegalStateException.class, r::markReady);
        r.markFinished(FinishReason.ABORT, 0);
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> r.markFinished(FinishReason.STOP, 0));
        assertTrue(twice.getMessage().contains("finished twice"), twice.getMessage());
        BlockManager blocks = new BlockManager(1, 4, 0);
        Request held = new Request(2, "b", new int[] {1}, SamplingParams.greedy(10), 0);
        blocks.ensureCapacity(held, 1);
        held.markRunning(0);
        held.markComputed(1);
        held.appendToken(1, 0);
        held.markReady();
        assertThrows(IllegalStateException.class, held::markPreempted, "blocks must be freed first");
    }

    @Test
    void samplingParamsNameTheBadField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SamplingParams(0, 1, 1, -1, 0, null, 1, 0, 0, false, null, null, 0));
        assertTrue(e.getMessage().startsWith("max_tokens"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new SamplingParams(5, 1, 1.5, -1, 0, null, 1, 0, 0, false, null, null, 0));
        assertTrue(e.getMessage().startsWith("top_p"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Request(1, "empty", new int[0], SamplingParams.greedy(1), 0));
    }
}
