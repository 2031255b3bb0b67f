package org.tdpipe.core.kv;

/**
 * Fills a block table with block ids received from elsewhere: a remote stage worker's copy of a
 * request whose real table the controller's {@link BlockManager} owns. Never use it on a request
 * that a local block manager tracks.
 */
public final class BlockTableCopy {
    private BlockTableCopy() {
    }

    /** Appends {@code blocks} to {@code table}, which must be empty. */
    public static void fill(BlockTable table, int[] blocks) {
        if (!table.isEmpty()) {
            throw new IllegalStateException("block table already holds " + table.size() + " blocks");
        }
        for (int block : blocks) {
            if (block < 0) {
                throw new IllegalArgumentException("block id must be >= 0, got " + block);
            }
            table.add(block);
        }
    }
}
