package org.tdpipe.model.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tdpipe.model.format.ModelConfig;
import org.tdpipe.model.step.BatchLayout;
import org.tdpipe.model.step.SamplingSettings;
import org.tdpipe.model.step.SequenceTable;
import org.tdpipe.model.testing.Sequences;
import org.tdpipe.model.testing.TestSequence;

class RopeTest {
    private static final int HEAD_DIM = 128;
    private static final int POSITION = 1000;

    /** The rotation angle of pair {@code i} at {@link #POSITION}. */
    private static double angle(Rope rope, int i) {
        Sequences seqs = new Sequences(16);
        int[] prompt = new int[POSITION + 1];
        TestSequence r = seqs.sequence(prompt, SamplingSettings.GREEDY, prompt.length);
        SequenceTable table = new SequenceTable(16, 1 << 20);
        table.apply(seqs.step(new Sequences.Slice(r, 0, POSITION, false)));
        BatchLayout layout = table.apply(seqs.step(Sequences.decode(r)));
        Rope.Angles a = rope.angles(layout);
        return Math.atan2(a.sin()[i], a.cos()[i]);
    }

    private static double wrapped(double angle) {
        return Math.atan2(Math.sin(angle), Math.cos(angle));
    }

    @Test
    void llama3ScalingKeepsHighFrequenciesAndSlowsLowOnes() {
        ModelConfig.RopeScaling scaling = new ModelConfig.RopeScaling(8f, 1f, 4f, 8192);
        Rope plain = new Rope(HEAD_DIM, 500000f, null, false);
        Rope scaled = new Rope(HEAD_DIM, 500000f, scaling, false);
        // pair 0: wavelength 2π < 8192/4, unchanged
        assertEquals(wrapped(POSITION * 1.0), angle(scaled, 0), 1e-3);
        assertEquals(angle(plain, 0), angle(scaled, 0), 1e-6);
        // the last pair: wavelength > 8192, frequency divided by the factor
        double low = Math.pow(500000, -2.0 * 63 / HEAD_DIM);
        assertEquals(wrapped(POSITION * low / 8), angle(scaled, 63), 1e-4);
        // pair 32 (wavelength 4443, between 8192/4 and 8192): smooth interpolation of the two
        double f = Math.pow(500000, -2.0 * 32 / HEAD_DIM);
        double smooth = (8192 / (2 * Math.PI / f) - 1) / (4 - 1);
        double expected = (1 - smooth) * f / 8 + smooth * f;
        assertEquals(wrapped(POSITION * expected), angle(scaled, 32), 1e-4);
    }

    @Test
    void halfSplitRotatesTheSamePairsAsAdjacentAfterReordering() {
        Rope adjacent = new Rope(8, 10000f, null, false);
        Rope half = new Rope(8, 10000f, null, true);
        Sequences seqs = new Sequences(16);
        TestSequence r = seqs.sequence(new int[] {1, 2, 3, 4, 5}, SamplingSettings.GREEDY, 6);
        BatchLayout layout = new SequenceTable(16, 512).apply(seqs.step(Sequences.prefill(r)));
        float[] a = new float[5 * 8];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) Math.sin(i * 0.7);
        }
        // half-split element (j·4 + i) holds adjacent element (2i + j)
        float[] h = new float[a.length];
        for (int row = 0; row < 5; row++) {
            for (int e = 0; e < 8; e++) {
                h[row * 8 + e] = a[row * 8 + 2 * (e % 4) + e / 4];
            }
        }
        adjacent.apply(a, 5, 1, adjacent.angles(layout));
        half.apply(h, 5, 1, half.angles(layout));
        for (int row = 0; row < 5; row++) {
            for (int e = 0; e < 8; e++) {
                assertEquals(a[row * 8 + 2 * (e % 4) + e / 4], h[row * 8 + e], 1e-6f);
            }
        }
    }
}
