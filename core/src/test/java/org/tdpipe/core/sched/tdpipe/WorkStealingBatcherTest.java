package org.tdpipe.core.sched.tdpipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tdpipe.core.testing.TestRequests.ready;
import static org.tdpipe.core.testing.TestRequests.readyWithALargeLatestArrival;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.request.Request;

/** The boundaries of the work-stealing share (DESIGN §2.4): target floor(B/P), +1 round-robin. */
class WorkStealingBatcherTest {
    private final BlockManager blocks = new BlockManager(1000, 16, 0.0);

    private TreeSet<Request> readyPool(int count) {
        TreeSet<Request> pool = new TreeSet<>(Request.ARRIVAL_ORDER);
        for (int i = 0; i < count; i++) {
            pool.add(ready(i, 16, blocks));
        }
        return pool;
    }

    private static List<ScheduledSeq> form(int numStages, BlockManager blocks, TreeSet<Request> pool, int inFlight,
            long decodeCount, Consumer<Request> preempt) {
        return new WorkStealingBatcher(numStages, new DecodeSlots(blocks)).form(pool, inFlight, decodeCount, 0, preempt);
    }

    @Test
    void aBatchStopsExactlyAtItsShare() {
        // B = 12 over P = 2: 6 each; the 6 left are more than P, so they wait for the next batch.
        assertEquals(6, form(2, blocks, readyPool(12), 0, 0, r -> { }).size());
    }

    @Test
    void theRemainderRoundRobinContinuesIntoTheSecondRound() {
        // B = 7 over P = 3: share 2, remainder 1 goes to decode counts 0, 3, 6, … — at count 3
        // the target is 3, and the 4 left (> P) wait.
        assertEquals(3, form(3, blocks, readyPool(7), 0, 3, r -> { }).size());
        assertEquals(2, form(3, blocks, readyPool(7), 0, 4, r -> { }).size());
    }

    @Test
    void aLeftoverOfExactlyPIsAbsorbed() {
        // B = 7 ready + 3 in flight = 10 over P = 2: target 5; the 2 left (= P) join this batch.
        assertEquals(7, form(2, blocks, readyPool(7), 3, 0, r -> { }).size());
    }

    @Test
    void aBatchOfOneIsNotIssuedWhileOthersAreReady() {
        // B = 6 over P = 4 at decode count 2: target 1, but a decode batch takes at least two
        // requests; then the 4 left (= P) are absorbed.
        assertEquals(6, form(4, blocks, readyPool(6), 0, 2, r -> { }).size());
    }

    @Test
    void preemptedRequestsLeaveTheShare() {
        // 19 one-block requests and a 10-block one at the tail fill all 29 blocks; every request
        // needs a new block for its next token. B = 20, P = 2: target 10. Taking request 0
        // preempts the tail (10 blocks free): B = 19, target 9 + 1 (remainder at count 0) = 10,
        // and the freed blocks serve requests 0–9 without further preemption.
        BlockManager full = new BlockManager(29, 16, 0.0);
        TreeSet<Request> pool = new TreeSet<>(Request.ARRIVAL_ORDER);
        pool.addAll(readyWithALargeLatestArrival(full, 19, 10));
        List<Request> preempted = new ArrayList<>();
        List<ScheduledSeq> batch = form(2, full, pool, 0, 0, r -> {
            full.free(r);
            r.markPreempted();
            preempted.add(r);
        });
        assertEquals(10, batch.size());
        assertEquals(List.of(19L), preempted.stream().map(Request::id).toList());
        assertEquals(9, pool.size());
    }
}
