package org.tdpipe.core.predict.learned;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpipe.core.predict.LengthDistribution;
import org.tdpipe.core.predict.LengthPredictor;
import org.tdpipe.core.predict.LengthPredictors;
import org.tdpipe.core.predict.LengthScale;
import org.tdpipe.core.predict.RecentAccuracy;
import org.tdpipe.core.request.FinishReason;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;

class LearnedLengthPredictorTest {
    private final LengthModel model = LengthModelTrainer.train(SyntheticLengths.examples(500, 4),
            new TrainingOptions(1, 2, 12, 0, 0.1, 1e-6));

    private static Request finished(long id, int prompt, int output, int maxTokens) {
        Request r = new Request(id, "r" + id, new int[prompt], SamplingParams.greedy(maxTokens), 0);
        r.markRunning(0);
        for (int i = 0; i < output; i++) {
            r.appendToken(1, i);
        }
        r.markFinished(FinishReason.LENGTH, output);
        return r;
    }

    @Test
    void predictsTheMedianOfItsDistributionCappedAtMaxTokens() {
        LearnedLengthPredictor p = new LearnedLengthPredictor("learned", model, false, 10);
        Request r = new Request(1, "a", new int[300], SamplingParams.greedy(5000), 0);
        LengthDistribution d = p.predictDistribution(r).orElseThrow();
        assertEquals(Math.max(1, d.quantile(0.5)), p.predictOutputLength(r));
        Request capped = new Request(2, "b", new int[300], SamplingParams.greedy(3), 0);
        assertTrue(p.predictOutputLength(capped) <= 3);
        assertEquals(0.0, p.predictDistribution(capped).orElseThrow().survival(4));
        Request replayed = new Request(3, "c", new int[300], SamplingParams.fixedLength(3), 0);
        assertEquals(p.predictOutputLength(r), p.predictOutputLength(replayed),
                "with ignore_eos max_tokens is the truth: the predictor must not see it");
    }

    @Test
    void aScaledWorkloadIsPredictedAndLearnedAtTheTracesScale() {
        LengthScale quarter = new LengthScale(0.25, 0.5);
        LearnedLengthPredictor trace = new LearnedLengthPredictor("learned", model, true, 100);
        LearnedLengthPredictor scaled = new LearnedLengthPredictor("learned", model, true, 100, quarter);
        for (int prompt : new int[] {8, 40, 120, 400}) {
            LengthDistribution atTrace = trace.predictDistribution(unfinished(prompt * 4)).orElseThrow();
            LengthDistribution atWorkload = scaled.predictDistribution(unfinished(prompt)).orElseThrow();
            assertEquals(atTrace.mean() / 2, atWorkload.mean(), 1.0, "prompt " + prompt);
            assertEquals(Math.max(1, Math.round(trace.predictOutputLength(unfinished(prompt * 4)) / 2.0)),
                    scaled.predictOutputLength(unfinished(prompt)), 1, "prompt " + prompt);
        }
        for (int i = 0; i < 200; i++) {
            int prompt = 1 + i % 100;
            int output = 1 + (i * 37) % 300;
            trace.observe(finished(i, 4 * prompt, 2 * output, 4096));
            scaled.observe(finished(i, prompt, output, 2048)); // max_tokens is a length too
        }
        assertArrayEquals(trace.model().weights(), scaled.model().weights(), 1e-12,
                "online learning sees the trace's lengths either way");
    }

    private static Request unfinished(int prompt) {
        return new Request(0, "q", new int[prompt], SamplingParams.fixedLength(4096), 0);
    }

    @Test
    void onlineUpdatesKeepMemoryBoundedAndTrackRecentAccuracy() {
        LearnedLengthPredictor p = new LearnedLengthPredictor("learned-online", model, true, 100);
        int bytesBefore = LengthModelFile.toBytes(p.model()).length;
        for (int i = 0; i < 10_000; i++) {
            p.observe(finished(i, 1 + i % 500, 1 + (i * 37) % 700, 4096));
        }
        assertEquals(bytesBefore, LengthModelFile.toBytes(p.model()).length);
        assertEquals(model.numWeights(), p.model().numWeights());
        assertFalse(Arrays.equals(model.weights(), p.model().weights()));
        RecentAccuracy recent = p.recentAccuracy();
        assertEquals(100, recent.count());
        assertTrue(recent.bucketAccuracy() >= 0 && recent.bucketAccuracy() <= 1);
        assertTrue(recent.meanAbsoluteError() >= 0);
    }

    @Test
    void recentAccuracyIsReadThroughThePredictorInterfaceAsAMetric() {
        LengthPredictor p = new LearnedLengthPredictor("learned", model, false, 5);
        DoubleSupplier recentBucketAccuracy = () -> p.recentAccuracy().bucketAccuracy();
        assertTrue(Double.isNaN(recentBucketAccuracy.getAsDouble()), "nothing scored yet");
        p.observe(finished(0, 10, 50, 4096));
        double accuracy = recentBucketAccuracy.getAsDouble();
        assertTrue(accuracy == 0 || accuracy == 1, "one request scored: " + accuracy);
        assertEquals(RecentAccuracy.NONE, LengthPredictors.byName("oracle", 0).recentAccuracy());
    }

    @Test
    void offlinePredictorScoresButDoesNotLearn() {
        LearnedLengthPredictor p = new LearnedLengthPredictor("learned", model, false, 5);
        for (int i = 0; i < 3; i++) {
            p.observe(finished(i, 10, 50, 4096));
        }
        assertArrayEquals(model.weights(), p.model().weights());
        assertEquals(3, p.recentAccuracy().count());
    }

    @Test
    void accuracyWindowKeepsTheLatestOutcomes() {
        AccuracyWindow w = new AccuracyWindow(2);
        w.record(true, 10, 10);
        w.record(false, 0, 4);
        w.record(true, 5, 7);
        assertEquals(new RecentAccuracy(2, 0.5, 3.0), w.snapshot());
    }

    @Test
    void loadsByName(@TempDir Path dir) {
        Path file = dir.resolve("m.bin");
        LengthModelFile.write(file, model);
        LengthPredictor p = LengthPredictors.byName("learned:" + file, 0);
        assertEquals("learned:" + file, p.name());
        assertTrue(p.predictDistribution(finished(1, 10, 5, 100)).isPresent());
        var e = assertThrows(UncheckedIOException.class,
                () -> LengthPredictors.byName("learned:" + dir.resolve("missing.bin"), 0));
        assertTrue(e.getMessage().contains("missing.bin: cannot read length model (no such file)"), e.getMessage());
        List.of("learned", "learned-online:").forEach(spec -> assertThrows(
                IllegalArgumentException.class, () -> LengthPredictors.byName(spec, 0)));
    }
}
