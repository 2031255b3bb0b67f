package org.tdpipe.model.llama;

import java.util.List;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.request.Request;

/**
 * A {@link StepBatch} flattened for the forward pass: one row per fed token, sequences in batch
 * order and each sequence's tokens in order, with the token id, its position and its sequence's
 * block table; plus the rows whose logits are sampled (the last token of each sampling sequence).
 */
public final class BatchLayout {
    private final StepBatch batch;
    private final int[] tokens;
    private final int[] positions;
    private final int[] seqOfRow;
    private final int[][] blockTables;
    private final int[] sampledRows;
    private final int[] sampledSeqs;

    private BatchLayout(StepBatch batch, int[] tokens, int[] positions, int[] seqOfRow, int[][] blockTables,
            int[] sampledRows, int[] sampledSeqs) {
        this.batch = batch;
        this.tokens = tokens;
        this.positions = positions;
        this.seqOfRow = seqOfRow;
        this.blockTables = blockTables;
        this.sampledRows = sampledRows;
        this.sampledSeqs = sampledSeqs;
    }

    /**
     * Reads the batch's token slices and block tables; fails naming the request when a slice runs
     * past its tokens or the model's context length, or its block table is too short.
     */
    public static BatchLayout of(StepBatch batch, int blockSize, int contextLength) {
        List<ScheduledSeq> seqs = batch.seqs();
        int n = batch.numTokens();
        int[] tokens = new int[n];
        int[] positions = new int[n];
        int[] seqOfRow = new int[n];
        int[][] tables = new int[seqs.size()][];
        int[] sampledRows = new int[batch.numSampled()];
        int[] sampledSeqs = new int[sampledRows.length];
        int row = 0;
        int sampled = 0;
        for (int s = 0; s < seqs.size(); s++) {
            ScheduledSeq seq = seqs.get(s);
            Request r = seq.request();
            int end = seq.contextLength();
            if (end > r.numTokens()) {
                throw new IllegalArgumentException("request " + r.externalId() + ": step feeds tokens [" + seq.start()
                        + ", " + end + ") but it has only " + r.numTokens());
            }
            if (end > contextLength) {
                throw new IllegalArgumentException("request " + r.externalId() + ": position " + (end - 1)
                        + " is beyond the model's context length " + contextLength);
            }
            int[] table = r.blockTable().toArray();
            if ((long) table.length * blockSize < end) {
                throw new IllegalArgumentException("request " + r.externalId() + ": block table of " + table.length
                        + " blocks holds " + (long) table.length * blockSize + " tokens, the step needs " + end);
            }
            tables[s] = table;
            for (int p = seq.start(); p < end; p++) {
                tokens[row] = r.token(p);
                positions[row] = p;
                seqOfRow[row] = s;
                row++;
            }
            if (seq.samples()) {
                sampledRows[sampled] = row - 1;
                sampledSeqs[sampled] = s;
                sampled++;
            }
        }
        return new BatchLayout(batch, tokens, positions, seqOfRow, tables, sampledRows, sampledSeqs);
    }

    public StepBatch batch() {
        return batch;
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

    /** Row of the {@code i}-th sampled token. */
    public int sampledRow(int i) {
        return sampledRows[i];
    }

    /** Batch index of the sequence of the {@code i}-th sampled token. */
    public int sampledSeq(int i) {
        return sampledSeqs[i];
    }
}
