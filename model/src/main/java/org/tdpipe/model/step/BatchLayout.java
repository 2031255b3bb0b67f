package org.tdpipe.model.step;

import java.util.List;

/**
 * A step flattened for the forward pass: one row per fed token, sequences in batch order and each
 * sequence's tokens in order, with the token id, its position and its sequence's block table; plus
 * the rows whose logits are sampled (the last token of each sampling sequence) with what the sampler
 * needs of their sequences, and the rows that score prompt tokens. Made by {@link SequenceTable#apply}.
 */
public final class BatchLayout {
    private final String[] externalIds;
    private final int[] tokens;
    private final int[] positions;
    private final int[] seqOfRow;
    private final int[][] blockTables;
    private final int[] sampledRows;
    private final SampledSequence[] sampled;
    private final List<ScoredRows> scored;

    BatchLayout(String[] externalIds, int[] tokens, int[] positions, int[] seqOfRow, int[][] blockTables, int[] sampledRows,
            SampledSequence[] sampled, List<ScoredRows> scored) {
        this.externalIds = externalIds;
        this.tokens = tokens;
        this.positions = positions;
        this.seqOfRow = seqOfRow;
        this.blockTables = blockTables;
        this.sampledRows = sampledRows;
        this.sampled = sampled;
        this.scored = List.copyOf(scored);
    }

    /** The rows that score prompt tokens, per sequence that asked. */
    public List<ScoredRows> scored() {
        return scored;
    }

    public int numSeqs() {
        return externalIds.length;
    }

    /** The request id of sequence {@code seq} (batch index), for error messages. */
    public String externalId(int seq) {
        return externalIds[seq];
    }

    public int numTokens() {
        return tokens.length;
    }

    public int token(int row) {
        return tokens[row];
    }

    public int position(int row) {
        return positions[row];
    }

    public int seqOfRow(int row) {
        return seqOfRow[row];
    }

    public int[] blockTable(int seq) {
        return blockTables[seq];
    }

    public int numSampled() {
        return sampledRows.length;
    }

    /** The rows of the sampled tokens, in order. */
    public int[] sampledRows() {
        return sampledRows.clone();
    }

    /** Row of the {@code i}-th sampled token. */
    public int sampledRow(int i) {
        return sampledRows[i];
    }

    /** The sequence of the {@code i}-th sampled token, as the sampler needs it. */
    public SampledSequence sampled(int i) {
        return sampled[i];
    }
}
