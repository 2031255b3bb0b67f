package org.tdpipe.core.sched.tdpipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tdpipe.core.testing.TestRequests.waiting;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.kv.BlockManager;
import org.tdpipe.core.request.Request;

/** The prompt limit and the reasons a prompt is finished IGNORED. */
class PrefillBatcherTest {
    private final List<Request> ignored = new ArrayList<>();

    private int admitted(BlockManager blocks, int promptLimit, int prompt) {
        ArrayDeque<Request> queue = new ArrayDeque<>(List.of(waiting(0, prompt, 10)));
        return new PrefillBatcher(blocks, 192, promptLimit).form(queue, 0, ignored::add).size();
    }

    @Test
    void aPromptOfExactlyTheLimitIsAdmitted() {
        assertEquals(1, admitted(new BlockManager(100, 16, 0.0), 64, 64));
        assertEquals(List.of(), ignored);
    }

    @Test
    void aPromptOverTheLimitIsIgnoredNamingTheLimit() {
        assertEquals(0, admitted(new BlockManager(100, 16, 0.0), 64, 65));
        assertEquals("input of 65 tokens exceeds the limit of 64", ignored.get(0).error());
    }

    @Test
    void aPromptWithinTheLimitThatNoCacheStateFitsIsIgnoredNamingTheCache() {
        // 64 tokens need 4 blocks of 16; the cache has 3.
        assertEquals(0, admitted(new BlockManager(3, 16, 0.0), 64, 64));
        assertEquals("input of 64 tokens needs more KV blocks than the cache holds (3)", ignored.get(0).error());
    }
}
