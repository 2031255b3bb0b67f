package org.tdpipe.model.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tdpipe.model.dummy.DummyCatalog;
import org.tdpipe.model.dummy.DummyModelSource;
import org.tdpipe.model.format.GgmlType;
import org.tdpipe.model.format.ModelConfig;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.step.SamplingSettings;
import org.tdpipe.model.testing.Driver;
import org.tdpipe.model.testing.ReferenceLlama;
import org.tdpipe.model.testing.Sequences.Slice;
import org.tdpipe.model.testing.Sequences;
import org.tdpipe.model.testing.TestSequence;

/**
 * The paged, batched, sliced forward pass against a naive reference and against itself: batch
 * composition, physical block placement, stage count and prefill chunking must not change results.
 */
class LlamaForwardTest {
    private static final int BLOCKS = 64;
    private static final float TOLERANCE = 1e-4f;
    private static final ModelConfig TINY = DummyCatalog.config("llama-260k");
    private static final ModelConfig TINY_QWEN = new ModelConfig("qwen2", 64, 96, 3, 4, 2, 16, 300, 256, 1e-6f,
            1000000f, null, true, false);

    private static ModelSource model(ModelConfig config, GgmlType type) {
        return new DummyModelSource("test", config, type, 7, 0.3f);
    }

    private static Driver driver(ModelSource source, int stages) {
        return new Driver(source, stages, BLOCKS, 16, 2);
    }

    private static int[] prompt(int length, long seed, int vocab) {
        Random r = new Random(seed);
        int[] p = new int[length];
        p[0] = 1;
        for (int i = 1; i < length; i++) {
            p[i] = r.nextInt(vocab);
        }
        return p;
    }

    private static void assertClose(double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], TOLERANCE, what + " logit " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "q8_0"})
    void matchesTheReferenceImplementation(String variant) {
        ModelConfig config = variant.equals("qwen2") ? TINY_QWEN : TINY;
        GgmlType type = variant.equals("q8_0") ? GgmlType.Q8_0 : GgmlType.F32;
        try (ModelSource source = model(config, type); Driver driver = driver(source, 1)) {
            Sequences seqs = new Sequences(16);
            TestSequence r = seqs.sequence(prompt(21, 3, config.vocabSize()), SamplingSettings.GREEDY, 40);
            driver.generateAlone(seqs, r, 64, 8);
            double[][] expected = new ReferenceLlama(source).logits(r.tokens(0, r.numTokens() - 1));
            List<float[]> actual = driver.logits(r);
            for (int i = 0; i < actual.size(); i++) {
                assertClose(expected[r.promptLength() - 1 + i], actual.get(i), variant + " output " + i);
            }
        }
    }

    @Test
    void batchedSequencesEqualEachAlone() {
        try (ModelSource source = model(TINY, GgmlType.F32); Driver alone = driver(source, 1); Driver batched = driver(source, 1)) {
            int n = 6;
            int outputs = 6;
            Sequences seqs = new Sequences(16);
            List<TestSequence> single = new ArrayList<>();
            List<TestSequence> together = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int[] p = prompt(5 + 9 * i, 100 + i, TINY.vocabSize());
                TestSequence r = seqs.sequence(p, SamplingSettings.GREEDY, p.length + outputs);
                alone.generateAlone(seqs, r, 1000, outputs);
                single.add(r);
                together.add(seqs.sequence(p, SamplingSettings.GREEDY, p.length + outputs));
            }
            // staggered: request i starts prefilling (in chunks of 8) at step i while the earlier ones decode
            for (int step = 0; together.stream().anyMatch(r -> r.numOutputTokens() < outputs); step++) {
                List<Slice> batch = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    TestSequence r = together.get(i);
                    int fed = Math.min(r.promptLength(), Math.max(0, (step - i) * 8));
                    if (step < i || r.numOutputTokens() >= outputs) {
                        continue;
                    }
                    if (fed < r.promptLength()) {
                        int len = Math.min(8, r.promptLength() - fed);
                        batch.add(new Slice(r, fed, len, fed + len == r.promptLength()));
                    } else if (r.numOutputTokens() > 0) {
                        batch.add(Sequences.decode(r));
                    }
                }
                Collections.reverse(batch);
                batched.step(seqs, seqs.step(batch.toArray(Slice[]::new)));
            }
            for (int i = 0; i < n; i++) {
                assertArrayEquals(single.get(i).outputTokens(), together.get(i).outputTokens(), "request " + i);
                for (int t = 0; t < outputs; t++) {
                    assertArrayEquals(alone.logits(single.get(i)).get(t), batched.logits(together.get(i)).get(t), TOLERANCE,
                            "request " + i + " output " + t);
                }
            }
        }
    }

    @Test
    void shuffledPhysicalBlocksGiveTheSameLogits() {
        try (ModelSource source = model(TINY, GgmlType.F32); Driver first = driver(source, 1); Driver second = driver(source, 1)) {
            int[] p = prompt(50, 9, TINY.vocabSize());
            Sequences contiguous = new Sequences(16);
            TestSequence a = contiguous.sequence(p, SamplingSettings.GREEDY, 70);
            assertArrayEquals(new int[] {0, 1, 2, 3, 4}, a.blockTable());
            first.generateAlone(contiguous, a, 1000, 20);

            List<Integer> pool = new ArrayList<>(IntStream.range(0, BLOCKS).boxed().toList());
            Collections.shuffle(pool, new Random(4));
            int[] table = pool.subList(0, 5).stream().mapToInt(Integer::intValue).toArray();
            assertTrue(!Arrays.equals(table, new int[] {0, 1, 2, 3, 4}), Arrays.toString(table));
            Sequences shuffled = new Sequences(16);
            TestSequence b = shuffled.sequence(p, SamplingSettings.GREEDY, table);
            second.generateAlone(shuffled, b, 1000, 20);

            assertArrayEquals(a.outputTokens(), b.outputTokens());
            for (int t = 0; t < 20; t++) {
                assertArrayEquals(first.logits(a).get(t), second.logits(b).get(t), TOLERANCE, "output " + t);
            }
        }
    }

    @Test
    void stagesChainedEqualTheWholeModel() {
        try (ModelSource source = model(TINY, GgmlType.F32)) {
            int[] p = prompt(30, 11, TINY.vocabSize());
            List<float[]> whole = null;
            int[] wholeTokens = null;
            for (int stages = 1; stages <= 5; stages++) {
                try (Driver driver = driver(source, stages)) {
                    assertEquals(stages, driver.numStages());
                    Sequences seqs = new Sequences(16);
                    TestSequence r = seqs.sequence(p, SamplingSettings.GREEDY, 40);
                    driver.generateAlone(seqs, r, 1000, 10);
                    if (whole == null) {
                        whole = driver.logits(r);
                        wholeTokens = r.outputTokens();
                        continue;
                    }
                    assertArrayEquals(wholeTokens, r.outputTokens(), stages + " stages");
                    for (int t = 0; t < whole.size(); t++) {
                        assertArrayEquals(whole.get(t), driver.logits(r).get(t), TOLERANCE, stages + " stages, output " + t);
                    }
                }
            }
        }
    }

    @Test
    void prefillInChunksEqualsPrefillAtOnce() {
        try (ModelSource source = model(TINY, GgmlType.F32); Driver driver = driver(source, 2)) {
            int[] p = prompt(45, 13, TINY.vocabSize());
            Sequences seqs = new Sequences(16);
            TestSequence once = seqs.sequence(p, SamplingSettings.GREEDY, 50);
            driver.generateAlone(seqs, once, 1000, 5);
            for (int chunk : new int[] {1, 7, 16}) {
                TestSequence chunked = seqs.sequence(p, SamplingSettings.GREEDY, 50);
                driver.generateAlone(seqs, chunked, chunk, 5);
                assertArrayEquals(once.outputTokens(), chunked.outputTokens(), "chunk " + chunk);
                for (int t = 0; t < 5; t++) {
                    assertArrayEquals(driver.logits(once).get(t), driver.logits(chunked).get(t), TOLERANCE, "chunk " + chunk + " output " + t);
                }
            }
        }
    }
}
