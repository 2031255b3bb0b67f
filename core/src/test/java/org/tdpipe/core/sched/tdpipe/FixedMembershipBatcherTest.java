package org.tdpipe.core.sched.tdpipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tdpipe.core.testing.TestRequests.ready;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.request.Request;

class FixedMembershipBatcherTest {

    @Test
    void aGroupWaitingForMemoryPassesTheTurnToTheNextGroupInOrder() {
        // Three full blocks. Request 0 (group 0) filled its block and needs another; requests 1
        // and 2 (groups 1, 2) have room in theirs. Group 0 must wait (a batch is in flight), so
        // the turn goes to group 1, then group 2.
        BlockManager blocks = new BlockManager(3, 16, 0.0);
        FixedMembershipBatcher batcher = new FixedMembershipBatcher(3, new DecodeSlots(blocks));
        TreeSet<Request> pool = new TreeSet<>(Request.ARRIVAL_ORDER);
        pool.add(ready(0, 16, blocks));
        pool.add(ready(1, 8, blocks));
        pool.add(ready(2, 8, blocks));
        pool.forEach(batcher::onPrefilled);
        assertEquals(List.of(1L), ids(batcher.form(pool, 1, 0, 0, r -> { })));
        assertEquals(List.of(2L), ids(batcher.form(pool, 1, 1, 0, r -> { })));
    }

    private static List<Long> ids(List<ScheduledSeq> batch) {
        return batch.stream().map(s -> s.request().id()).toList();
    }
}
