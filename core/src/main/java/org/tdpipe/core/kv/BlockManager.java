package org.tdpipe.core.kv;

import java.util.ArrayDeque;
import org.tdpipe.core.request.Request;

/**
 * Paged KV-cache accounting (vLLM's block manager): a fixed pool of blocks of {@code blockSize}
 * token slots, handed to requests through their {@link BlockTable}. It never over-commits: every
 * allocation either succeeds within capacity or is refused.
 *
 * <p>A watermark (fraction of all blocks) is kept free when admitting new prefills, so running
 * requests can still grow by a few decode slots without immediate preemption.
 */
public final class BlockManager {
    private final int numBlocks;
    private final int blockSize;
    private final int watermarkBlocks;
    private final ArrayDeque<Integer> free;

    public BlockManager(int numBlocks, int blockSize, double watermark) {
        this(0, numBlocks, blockSize, watermark);
    }

    /**
     * A pool of the physical blocks {@code [firstBlock, firstBlock + numBlocks)}: a share of a
     * larger cache (vLLM's virtual engines each own a disjoint slice of the KV cache).
     */
    public BlockManager(int firstBlock, int numBlocks, int blockSize, double watermark) {
        if (firstBlock < 0) {
            throw new IllegalArgumentException("first block must be >= 0, got " + firstBlock);
        }
        if (numBlocks < 1) {
            throw new IllegalArgumentException("KV cache must have at least one block, got " + numBlocks);
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be >= 1, got " + blockSize);
        }
        if (watermark < 0 || watermark >= 1) {
            throw new IllegalArgumentException("watermark must be in [0, 1), got " + watermark);
        }
        this.numBlocks = numBlocks;
        this.blockSize = blockSize;
        this.watermarkBlocks = (int) (watermark * numBlocks);
        this.free = new ArrayDeque<>(numBlocks);
        for (int b = firstBlock; b < firstBlock + numBlocks; b++) {
            free.addLast(b);
        }
    }

    public int numBlocks() {
        return numBlocks;
    }

    public int numFreeBlocks() {
        return free.size();
    }

    public int numUsedBlocks() {
        return numBlocks - free.size();
    }

    /** Blocks needed to hold {@code tokens} token slots. */
    public int blocksFor(int tokens) {
        return (tokens + blockSize - 1) / blockSize;
    }

    /** Can a request that needs {@code tokens} slots in total be admitted now? */
    public AllocStatus canAllocate(int tokens) {
        int needed = blocksFor(tokens);
        if (numBlocks - needed < watermarkBlocks) {
            return AllocStatus.NEVER;
        }
        return free.size() - needed >= watermarkBlocks ? AllocStatus.OK : AllocStatus.LATER;
    }

    /**
     * Grows the request's block table so it holds {@code tokens} slots. Returns false, changing
     * nothing, when the pool has too few free blocks.
     */
    public boolean ensureCapacity(Request request, int tokens) {
        BlockTable table = request.blockTable();
        int extra = blocksFor(tokens) - table.size();
        if (extra <= 0) {
            return true;
        }
        if (extra > free.size()) {
            return false;
        }
        for (int i = 0; i < extra; i++) {
            table.add(free.pollFirst());
        }
        return true;
    }

    /** Whether one more token slot (the next decode step) would need a block that is not free. */
    public boolean canAppendSlot(Request request) {
        return blocksFor(request.numTokens()) <= request.blockTable().size() || !free.isEmpty();
    }

    /** Returns all of the request's blocks to the pool. */
    public void free(Request request) {
        for (int b : request.blockTable().clear()) {
            free.addFirst(b);
        }
    }
}
