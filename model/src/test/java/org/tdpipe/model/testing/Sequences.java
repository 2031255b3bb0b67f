package org.tdpipe.model.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.model.step.Ints;
import org.tdpipe.model.step.SamplingSettings;
import org.tdpipe.model.step.SequenceStart;
import org.tdpipe.model.step.SequenceStep;
import org.tdpipe.model.step.StepInput;

/**
 * Plays the engine for model tests: makes sequences with KV blocks and the plain steps that feed
 * them (each a delta: a sequence's new blocks are sent once), and appends what was sampled.
 */
public final class Sequences {
    private final int blockSize;
    private final Map<Long, TestSequence> byId = new HashMap<>();
    private int nextBlock;
    private long nextId;
    private long nextBatch;

    public Sequences(int blockSize) {
        this.blockSize = blockSize;
    }

    /** One slice of a step: feed tokens {@code [start, start + numTokens)} of {@code seq}, sampling after the last if {@code samples}. */
    public record Slice(TestSequence seq, int start, int numTokens, boolean samples) {
    }

    /** A sequence for {@code prompt} with fresh, consecutive blocks for {@code capacity} tokens. */
    public TestSequence sequence(int[] prompt, SamplingSettings sampling, int capacity) {
        int n = (capacity + blockSize - 1) / blockSize;
        int[] blocks = new int[n];
        for (int i = 0; i < n; i++) {
            blocks[i] = nextBlock++;
        }
        return sequence(prompt, sampling, blocks);
    }

    /** A sequence for {@code prompt} stored in the given physical blocks. */
    public TestSequence sequence(int[] prompt, SamplingSettings sampling, int[] blocks) {
        TestSequence seq = new TestSequence(nextId++, prompt, sampling, blocks);
        byId.put(seq.id, seq);
        return seq;
    }

    public TestSequence byId(long id) {
        return byId.get(id);
    }

    /** The step feeding {@code slices}, in order. */
    public StepInput step(Slice... slices) {
        List<SequenceStep> steps = new ArrayList<>();
        for (Slice s : slices) {
            TestSequence seq = s.seq();
            Optional<SequenceStart> begins = s.start() == 0
                    ? Optional.of(new SequenceStart("req-" + seq.id, seq.promptLength, seq.sampling, Ints.EMPTY))
                    : Optional.empty();
            if (s.start() == 0) {
                seq.blocksSent = 0;
            }
            Ints newBlocks = Ints.copyOf(seq.blocks, seq.blocksSent, seq.blocks.length);
            seq.blocksSent = seq.blocks.length;
            steps.add(new SequenceStep(seq.id, s.start(), Ints.of(seq.tokens(s.start(), s.start() + s.numTokens())),
                    newBlocks, s.samples(), begins));
        }
        return new StepInput(nextBatch++, Phase.MIXED, 0, steps, List.of());
    }

    /** The whole prompt of {@code seq}, sampling at the end. */
    public static Slice prefill(TestSequence seq) {
        return new Slice(seq, 0, seq.numTokens(), true);
    }

    /** The last token of {@code seq} (a decode step). */
    public static Slice decode(TestSequence seq) {
        return new Slice(seq, seq.numTokens() - 1, 1, true);
    }
}
