package org.tdpipe.model.step;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A stage's record of the sequences it serves, kept from step to step (vLLM's worker-side request
 * states): each one's tokens (the sampler's penalties read them), block table, prompt length and
 * sampling settings, updated by the deltas of each {@link StepInput}. Used from one thread, in step
 * order. A step that does not fit what the table holds fails naming the batch, the request and
 * the problem.
 */
public final class SequenceTable {
    private final int blockSize;
    private final int contextLength;
    private final Map<Long, Sequence> sequences = new HashMap<>();

    /** One sequence as this stage knows it; its arrays only grow. */
    private static final class Sequence {
        final long id;
        final SequenceStart start;
        int[] tokens = new int[16];
        int numTokens;
        int[] blocks = new int[4];
        int numBlocks;

        Sequence(long id, SequenceStart start) {
            this.id = id;
            this.start = start;
        }

        void append(SequenceStep step) {
            appendTokens(step.tokens());
            if (numBlocks + step.newBlocks().length() > blocks.length) {
                blocks = Arrays.copyOf(blocks, Math.max(blocks.length * 2, numBlocks + step.newBlocks().length()));
            }
            step.newBlocks().copyInto(blocks, numBlocks);
            numBlocks += step.newBlocks().length();
        }

        void appendTokens(Ints more) {
            if (numTokens + more.length() > tokens.length) {
                tokens = Arrays.copyOf(tokens, Math.max(tokens.length * 2, numTokens + more.length()));
            }
            more.copyInto(tokens, numTokens);
            numTokens += more.length();
        }
    }

    /** {@code blockSize} tokens per KV block; positions at or beyond {@code contextLength} are refused. */
    public SequenceTable(int blockSize, int contextLength) {
        this.blockSize = blockSize;
        this.contextLength = contextLength;
    }

    /** Sequences held now. */
    public int size() {
        return sequences.size();
    }

    /** Forgets the released sequences, applies the step's deltas and lays the step out for the forward pass. */
    public BatchLayout apply(StepInput step) {
        for (long id : step.released()) {
            sequences.remove(id);
        }
        int numSeqs = step.seqs().size();
        int n = step.numTokens();
        String[] externalIds = new String[numSeqs];
        int[] tokens = new int[n];
        int[] positions = new int[n];
        int[] seqOfRow = new int[n];
        int[][] tables = new int[numSeqs][];
        int numSampled = step.numSampled();
        int[] sampledRows = new int[numSampled];
        SampledSequence[] sampled = new SampledSequence[numSampled];
        List<ScoredRows> scored = new ArrayList<>();
        int row = 0;
        int k = 0;
        for (int s = 0; s < numSeqs; s++) {
            SequenceStep q = step.seqs().get(s);
            Sequence seq = advance(step.batchId(), q);
            externalIds[s] = seq.start.externalId();
            tables[s] = Arrays.copyOf(seq.blocks, seq.numBlocks);
            int firstRow = row;
            q.scoring().ifPresent(scoring -> {
                int[] rows = new int[scoring.targets().length()];
                Arrays.setAll(rows, i -> firstRow + i);
                scored.add(new ScoredRows(seq.id, q.start() + 1, rows, scoring.targets(), scoring.top()));
            });
            for (int i = 0; i < q.tokens().length(); i++) {
                tokens[row] = q.tokens().get(i);
                positions[row] = q.start() + i;
                seqOfRow[row] = s;
                row++;
            }
            if (q.samples()) {
                sampledRows[k] = row - 1;
                sampled[k] = new SampledSequence(seq.id, seq.start.sampling(), seq.start.promptLength(),
                        Ints.prefixOf(seq.tokens, seq.numTokens), q.allowed());
                k++;
            }
        }
        return new BatchLayout(externalIds, tokens, positions, seqOfRow, tables, sampledRows, sampled, scored);
    }

    private Sequence advance(long batchId, SequenceStep q) {
        Sequence seq;
        if (q.begins().isPresent()) {
            seq = new Sequence(q.seqId(), q.begins().get());
            seq.appendTokens(seq.start.computed());
            sequences.put(q.seqId(), seq);
        } else {
            seq = sequences.get(q.seqId());
            String where = "batch " + batchId + ", request id " + q.seqId();
            if (seq == null) {
                throw new IllegalArgumentException(where + " continues at position " + q.start()
                        + " but this worker holds no such sequence");
            }
            if (seq.numTokens != q.start()) {
                throw new IllegalArgumentException(where + " (" + seq.start.externalId() + ") continues at position "
                        + q.start() + " but this worker holds " + seq.numTokens + " of its tokens");
            }
        }
        int end = q.start() + q.tokens().length();
        if (end > contextLength) {
            throw new IllegalArgumentException("request " + seq.start.externalId() + ": position " + (end - 1)
                    + " is beyond the model's context length " + contextLength);
        }
        seq.append(q);
        if ((long) seq.numBlocks * blockSize < end) {
            throw new IllegalArgumentException("request " + seq.start.externalId() + ": block table of " + seq.numBlocks
                    + " blocks holds " + (long) seq.numBlocks * blockSize + " tokens, the step needs " + end);
        }
        return seq;
    }
}
