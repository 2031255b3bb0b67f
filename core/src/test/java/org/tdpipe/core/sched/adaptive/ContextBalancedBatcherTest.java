package org.tdpipe.core.sched.adaptive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tdpipe.core.testing.TestRequests.ready;
import static org.tdpipe.core.testing.TestRequests.readyWithALargeLatestArrival;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.request.Request;

/** Longest / shortest alternation and the boundaries of the decode share (DESIGN §6). */
class ContextBalancedBatcherTest {
    private final BlockManager blocks = new BlockManager(1000, 16, 0.0);
    private final List<Request> preempted = new ArrayList<>();

    /** Requests 0, 1, … with prompts of 10, 20, … tokens: context grows with the id. */
    private TreeSet<Request> pool(int count) {
        TreeSet<Request> pool = new TreeSet<>(ContextBalancedBatcher.BY_CONTEXT);
        for (int i = 0; i < count; i++) {
            pool.add(ready(i, 10 * (i + 1), blocks));
        }
        return pool;
    }

    private List<Long> form(int numStages, BlockManager manager, TreeSet<Request> pool, int inFlight, long decodeCount) {
        List<ScheduledSeq> batch = new ContextBalancedBatcher(numStages, manager).form(pool, inFlight, decodeCount, 0, r -> {
            manager.free(r);
            r.markPreempted();
            preempted.add(r);
        });
        return batch.stream().map(s -> s.request().id()).toList();
    }

    @Test
    void picksAlternateTheLongestAndTheShortestContextUpToTheShare() {
        // B = 7 over P = 2 at decode count 2: share 3, the remainder's +1 comes round again (2 % 2 = 0 < 1):
        // target 4. Longest (6), shortest (0), longest left (5), shortest left (1); 3 left > P.
        assertEquals(List.of(6L, 0L, 5L, 1L), form(2, blocks, pool(7), 0, 2));
    }

    @Test
    void aBatchOfOneIsNotIssuedWhileOthersAreReady() {
        // B = 6 over P = 4 at decode count 2: target 1, but a batch takes two; the 4 left (= P) are absorbed.
        assertEquals(6, form(4, blocks, pool(6), 0, 2).size());
    }

    @Test
    void aLeftoverOfExactlyPIsAbsorbed() {
        // B = 7 ready + 3 in flight over P = 2: target 5, and the 2 left join.
        assertEquals(7, form(2, blocks, pool(7), 3, 0).size());
    }

    @Test
    void preemptedRequestsLeaveTheShareAndTheMostRecentArrivalGoesFirst() {
        // Requests 0–18 hold one full block each, request 19 (the latest arrival, and the longest
        // context) holds 10: all 29 blocks are used and every request needs a new one. Picking 19
        // preempts the latest arrival, 19 itself, freeing 10 blocks: B = 19, target 9 + 1 = 10.
        BlockManager full = new BlockManager(29, 16, 0.0);
        TreeSet<Request> pool = new TreeSet<>(ContextBalancedBatcher.BY_CONTEXT);
        pool.addAll(readyWithALargeLatestArrival(full, 19, 10));
        assertEquals(10, form(2, full, pool, 0, 0).size());
        assertEquals(List.of(19L), preempted.stream().map(Request::id).toList());
        assertEquals(9, pool.size());
    }

    @Test
    void theVictimIsTheLatestArrivalWhateverItsContext() {
        // Six blocks, all held and full: request 0 (2 blocks), 1 (3 blocks, the longest, picked
        // first) and 2 (1 block, the latest arrival). Picking 1 preempts 2, not the earlier 0.
        BlockManager six = new BlockManager(6, 16, 0.0);
        TreeSet<Request> pool = new TreeSet<>(ContextBalancedBatcher.BY_CONTEXT);
        pool.add(ready(0, 32, six));
        pool.add(ready(1, 48, six));
        pool.add(ready(2, 16, six));
        assertEquals(List.of(1L), form(1, six, pool, 0, 0), "then request 0 finds no free block and waits");
        assertEquals(List.of(2L), preempted.stream().map(Request::id).toList());
    }

    @Test
    void aLoneRequestThatCannotGrowWaitsWhileOthersCanFreeBlocks() {
        BlockManager two = new BlockManager(2, 16, 0.0);
        TreeSet<Request> pool = new TreeSet<>(ContextBalancedBatcher.BY_CONTEXT);
        pool.add(ready(0, 32, two)); // both blocks, full
        assertEquals(List.of(), form(2, two, pool, 1, 0));
        assertEquals(List.of(), preempted, "a batch in flight can still free blocks");
        assertEquals(List.of(), form(2, two, pool, 0, 0));
        assertEquals(1, preempted.size(), "nothing else can ever free a block: recompute it");
        assertTrue(pool.isEmpty());
    }
}
