package org.tdpipe.model.llama;

import org.tdpipe.model.step.BatchLayout;

/**
 * The paged KV cache of one stage: for each of its layers a pool of {@code numBlocks} blocks of
 * {@code blockSize} token slots, each slot holding a token's keys (or values) for all KV heads.
 * Sequences address it through their block tables (logical block → physical block), the numbering
 * the engine's block manager hands out; every stage uses the same numbers for its own layers.
 */
public final class KvCache {
    private final int numLayers;
    private final int numBlocks;
    private final int blockSize;
    private final int kvDim;
    private final float[][] keys;
    private final float[][] values;

    public KvCache(int numLayers, int numBlocks, int blockSize, int kvDim) {
        if (numLayers < 1 || numBlocks < 1 || blockSize < 1 || kvDim < 1) {
            throw new IllegalArgumentException("bad KV cache shape: layers " + numLayers + ", blocks " + numBlocks
                    + ", block size " + blockSize + ", kv dim " + kvDim);
        }
        long perLayer = (long) numBlocks * blockSize * kvDim;
        if (perLayer > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("KV cache of " + numBlocks + " blocks x " + blockSize + " tokens x "
                    + kvDim + " floats is too large for one layer array; use fewer blocks");
        }
        this.numLayers = numLayers;
        this.numBlocks = numBlocks;
        this.blockSize = blockSize;
        this.kvDim = kvDim;
        this.keys = new float[numLayers][(int) perLayer];
        this.values = new float[numLayers][(int) perLayer];
    }

    /** Blocks that fit in {@code bytes} for a model slice of {@code numLayers} layers (F32 K and V). */
    public static int blocksForBytes(long bytes, int numLayers, int blockSize, int kvDim) {
        long perBlock = 2L * numLayers * blockSize * kvDim * Float.BYTES;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / perBlock));
    }

    public int numLayers() {
        return numLayers;
    }

    public int numBlocks() {
        return numBlocks;
    }

    public int blockSize() {
        return blockSize;
    }

    public int kvDim() {
        return kvDim;
    }

    float[] keys(int layer) {
        return keys[layer];
    }

    float[] values(int layer) {
        return values[layer];
    }

    /** Offset in a layer array of the slot of token {@code position} of a sequence with this block table. */
    int slotOffset(int[] blockTable, int position) {
        return (blockTable[position / blockSize] * blockSize + position % blockSize) * kvDim;
    }

    /** Fails naming the request when a block table of the batch holds a block number outside this cache. */
    void requireBlocksInRange(BatchLayout layout) {
        for (int s = 0; s < layout.numSeqs(); s++) {
            for (int b : layout.blockTable(s)) {
                if (b < 0 || b >= numBlocks) {
                    throw new IllegalArgumentException("request " + layout.externalId(s)
                            + ": block " + b + " is outside the KV cache of " + numBlocks + " blocks");
                }
            }
        }
    }

    /** Stores the keys and values of the batch's tokens (rows of {@code k} and {@code v}) in layer {@code layer}. */
    void write(int layer, BatchLayout layout, float[] k, float[] v) {
        float[] kc = keys[layer];
        float[] vc = values[layer];
        for (int row = 0; row < layout.numTokens(); row++) {
            int off = slotOffset(layout.blockTable(layout.seqOfRow(row)), layout.position(row));
            System.arraycopy(k, row * kvDim, kc, off, kvDim);
            System.arraycopy(v, row * kvDim, vc, off, kvDim);
        }
    }
}
