package org.tdpipe.core.predict.learned;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LengthModelTrainerTest {
    private final List<LengthExample> train = SyntheticLengths.examples(2000, 1);
    private final List<LengthExample> test = SyntheticLengths.examples(500, 2);
    private final TrainingOptions options = TrainingOptions.defaults(7).withEpochs(3);

    @Test
    void trainingIsDeterministicForASeed() {
        LengthModel a = LengthModelTrainer.train(train, options);
        LengthModel b = LengthModelTrainer.train(train, options);
        assertArrayEquals(a.weights(), b.weights());
        LengthModel other = LengthModelTrainer.train(train, TrainingOptions.defaults(8).withEpochs(3));
        assertFalse(Arrays.equals(a.weights(), other.weights()));
    }

    @Test
    void learnsFromTextAndLengthAndBeatsTheMeanBaseline() {
        LengthEvaluation eval = LengthEvaluation.of(LengthModelTrainer.train(train, options), test);
        assertTrue(eval.meanAbsoluteError() < 0.5 * eval.baselineMae(), eval.toString());
        assertTrue(eval.bucketAccuracy() > 0.3, eval.toString());
        assertEquals(1.0, Arrays.stream(eval.meanPredicted()).sum(), 1e-9);
    }

    @Test
    void onlineLearningAdaptsToDriftedTraffic() {
        LengthModel model = LengthModelTrainer.train(train, options);
        List<LengthExample> drifted = SyntheticLengths.examples(3000, 5, 0.25);
        LengthEvaluation offline = LengthEvaluation.of(model, drifted);
        LengthEvaluation online = LengthEvaluation.of(model.copy(), drifted, true);
        assertTrue(online.meanAbsoluteError() < 0.7 * offline.meanAbsoluteError(), online + " vs " + offline);
    }

    @Test
    void bucketEdgesAreGeometricUpToTheLongestOutput() {
        assertArrayEquals(new int[] {1, 2, 4, 8, 16}, LengthModelTrainer.geometricEdges(15, 4));
        assertArrayEquals(new int[] {1, 2, 3}, LengthModelTrainer.geometricEdges(2, 8));
    }
}
