package org.tdpipe.core.predict.learned;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Examples whose output length depends on the prompt length and on a word in the text. */
final class SyntheticLengths {
    private SyntheticLengths() {
    }

    static List<LengthExample> examples(int n, long seed) {
        return examples(n, seed, 1.0);
    }

    /** With every output length multiplied by {@code scale}: traffic that drifted from the training data. */
    static List<LengthExample> examples(int n, long seed, double scale) {
        SplittableRandom random = new SplittableRandom(seed);
        List<LengthExample> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int prompt = 1 + random.nextInt(1000);
            boolean story = random.nextBoolean();
            String text = (story ? "write a long story about " : "answer briefly about ") + "topic" + random.nextInt(50);
            int base = story ? 400 : 20;
            int output = Math.max(1, (int) (scale * base * (1 + prompt / 1000.0) * Math.exp(0.3 * random.nextGaussian())));
            out.add(new LengthExample(new LengthQuery(prompt, text, 0, 1.0), output));
        }
        return out;
    }
}
