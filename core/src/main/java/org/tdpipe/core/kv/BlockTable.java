package org.tdpipe.core.kv;

import java.util.Arrays;

/**
 * The physical KV block ids of one request, in logical order (vLLM's block table). Shared by all
 * pipeline stages: every stage stores the KV of its own layers under the same block numbers.
 */
public final class BlockTable {
    // mutated only by BlockManager (same package)
    private int[] blocks = new int[8];
    private int size;

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int get(int logicalBlock) {
        if (logicalBlock < 0 || logicalBlock >= size) {
            throw new IndexOutOfBoundsException("logical block " + logicalBlock + " of " + size);
        }
        return blocks[logicalBlock];
    }

    public int[] toArray() {
        return Arrays.copyOf(blocks, size);
    }

    void add(int physicalBlock) {
        if (size == blocks.length) {
            blocks = Arrays.copyOf(blocks, size * 2);
        }
        blocks[size++] = physicalBlock;
    }

    /** Removes and returns all block ids (the caller returns them to the free pool). */
    int[] clear() {
        int[] out = toArray();
        size = 0;
        return out;
    }
}
