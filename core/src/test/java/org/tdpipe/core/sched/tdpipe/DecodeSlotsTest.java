package org.tdpipe.core.sched.tdpipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdpipe.core.testing.TestRequests.ready;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.request.Request;

/** A lone request that cannot grow: recomputed only when nothing else could ever free a block. */
class DecodeSlotsTest {
    private final BlockManager blocks = new BlockManager(2, 16, 0.0);
    private final DecodeSlots slots = new DecodeSlots(blocks);
    private final TreeSet<Request> pool = new TreeSet<>(Request.ARRIVAL_ORDER);
    private final List<Request> preempted = new ArrayList<>();

    private boolean takeFirst(List<ScheduledSeq> batch, int inFlight) {
        return slots.takeFirst(pool, pool, batch, inFlight, 0, preempted::add);
    }

    @Test
    void aLoneRequestHoldingEveryBlockWithNothingInFlightIsPreempted() {
        pool.add(ready(0, 32, blocks)); // both blocks full: its next token needs a third
        assertFalse(takeFirst(new ArrayList<>(), 0));
        assertEquals(1, preempted.size());
        assertTrue(pool.isEmpty());
    }

    @Test
    void aLoneRequestWaitsWhileABatchInFlightCanFreeBlocks() {
        pool.add(ready(0, 32, blocks));
        assertFalse(takeFirst(new ArrayList<>(), 1));
        assertTrue(preempted.isEmpty());
        assertEquals(1, pool.size());
    }

    @Test
    void aLoneRequestWaitsWhenTheBatchBeingFormedHoldsOthers() {
        BlockManager three = new BlockManager(3, 16, 0.0);
        DecodeSlots threeSlots = new DecodeSlots(three);
        pool.add(ready(0, 16, three));
        pool.add(ready(1, 16, three)); // one block free: enough for request 0 only
        List<ScheduledSeq> batch = new ArrayList<>();
        assertTrue(threeSlots.takeFirst(pool, pool, batch, 0, 0, preempted::add));
        assertFalse(threeSlots.takeFirst(pool, pool, batch, 0, 0, preempted::add));
        assertTrue(preempted.isEmpty());
        assertEquals(1, pool.size());
    }
}
