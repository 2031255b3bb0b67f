package org.tdpipe.core.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;

class BlockManagerTest {
    private static Request request(int promptLen) {
        return new Request(promptLen, "r" + promptLen, new int[promptLen], SamplingParams.greedy(10), 0);
    }

    @Test
    void admissionIsOkLaterOrNeverAroundTheWatermark() {
        BlockManager blocks = new BlockManager(100, 16, 0.1); // 10 blocks held back for growth
        assertEquals(AllocStatus.OK, blocks.canAllocate(16 * 90));
        assertEquals(AllocStatus.NEVER, blocks.canAllocate(16 * 91), "more than capacity minus watermark");
        assertTrue(blocks.ensureCapacity(request(16 * 50), 16 * 50));
        assertEquals(AllocStatus.OK, blocks.canAllocate(16 * 40));
        assertEquals(AllocStatus.LATER, blocks.canAllocate(16 * 41));
    }

    @Test
    void neverOverCommitsAndFreesEverything() {
        BlockManager blocks = new BlockManager(10, 16, 0);
        Request a = request(100); // 7 blocks
        Request b = request(64); // 4 blocks: only 3 left
        assertTrue(blocks.ensureCapacity(a, 100));
        assertFalse(blocks.ensureCapacity(b, 64));
        assertEquals(0, b.blockTable().size(), "a refused allocation changes nothing");
        assertTrue(blocks.ensureCapacity(b, 48));
        assertEquals(0, blocks.numFreeBlocks());
        Set<Integer> ids = new HashSet<>();
        for (int[] table : new int[][] {a.blockTable().toArray(), b.blockTable().toArray()}) {
            for (int id : table) {
                assertTrue(ids.add(id), "block " + id + " handed out twice");
            }
        }
        blocks.free(a);
        blocks.free(b);
        assertEquals(10, blocks.numFreeBlocks());
        assertTrue(a.blockTable().isEmpty());
    }

    @Test
    void appendSlotNeedsABlockOnlyWhenTheLastOneIsFull() {
        BlockManager blocks = new BlockManager(2, 16, 0);
        Request r = request(16);
        blocks.ensureCapacity(r, 16);
        r.markRunning(0);
        r.markComputed(16);
        r.appendToken(1, 0); // 17 tokens: the next slot needs a second block
        assertTrue(blocks.canAppendSlot(r));
        blocks.ensureCapacity(request(16), 16); // someone else takes the last block
        assertFalse(blocks.canAppendSlot(r));
    }

    @Test
    void disjointPoolsForVirtualEngines() {
        BlockManager second = new BlockManager(5, 5, 16, 0);
        Request r = request(80);
        assertTrue(second.ensureCapacity(r, 80));
        for (int id : r.blockTable().toArray()) {
            assertTrue(id >= 5 && id < 10, "block " + id);
        }
    }

    @Test
    void rejectsImpossibleConfigurations() {
        assertThrows(IllegalArgumentException.class, () -> new BlockManager(0, 16, 0));
        assertThrows(IllegalArgumentException.class, () -> new BlockManager(10, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new BlockManager(10, 16, 1.0));
    }

    @Test
    void aBlockTableReadsBackItsBlocksInOrderAndRefusesOtherIndices() {
        BlockManager blocks = new BlockManager(10, 16, 0);
        Request r = request(40); // 3 blocks
        assertTrue(blocks.ensureCapacity(r, 40));
        BlockTable table = r.blockTable();
        int[] ids = table.toArray();
        assertEquals(3, ids.length);
        for (int i = 0; i < ids.length; i++) {
            assertEquals(ids[i], table.get(i));
        }
        assertThrows(IndexOutOfBoundsException.class, () -> table.get(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> table.get(3));
    }
}
