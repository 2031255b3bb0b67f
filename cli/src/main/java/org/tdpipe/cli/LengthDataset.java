package org.tdpipe.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;
import org.tdpipe.core.predict.learned.LengthExample;
import org.tdpipe.core.predict.learned.LengthQuery;
import org.tdpipe.model.ModelSources;
import org.tdpipe.model.format.ModelSource;
import org.tdpipe.model.tokenizer.Tokenizer;
import org.tdpipe.sim.workload.TraceReader;
import org.tdpipe.sim.workload.WorkloadItem;

/**
 * Output-length examples for {@code tdpipe predictor}: a length trace (ShareGPT stats or Azure CSV,
 * lengths only) or JSONL lines {@code {"prompt": TEXT, "output_tokens": N}} with optional
 * {@code max_tokens} and {@code temperature}. A seeded shuffle splits them into train and test.
 */
record LengthDataset(List<LengthExample> examples) {

    /** The examples of {@code file}; JSONL prompt lengths are counted with {@code tokenizerModel}, or in words when null. */
    static LengthDataset read(Path file, String tokenizerModel) {
        if (!file.getFileName().toString().endsWith(".jsonl")) {
            List<LengthExample> out = new ArrayList<>();
            for (WorkloadItem item : TraceReader.read(file).items()) {
                out.add(new LengthExample(LengthQuery.lengthOnly(item.promptTokens()), item.outputTokens()));
            }
            return new LengthDataset(out);
        }
        if (tokenizerModel == null) {
            return readJsonl(file, text -> Math.max(1, text.strip().split("\\s+").length));
        }
        try (ModelSource source = ModelSources.open(tokenizerModel)) {
            Tokenizer tokenizer = source.tokenizer();
            return readJsonl(file, text -> tokenizer.encode(text, true).length);
        }
    }

    private static LengthDataset readJsonl(Path file, ToIntFunction<String> promptTokens) {
        return new LengthDataset(JsonLines.read(file, "examples", node -> {
            String prompt = JsonLines.require(node, "prompt").asText();
            int output = JsonLines.require(node, "output_tokens").asInt();
            int maxTokens = node.path("max_tokens").asInt(0);
            double temperature = node.path("temperature").asDouble(1.0);
            return new LengthExample(new LengthQuery(promptTokens.applyAsInt(prompt), prompt, maxTokens, temperature), output);
        }));
    }

    /** The first {@code fraction} of a seeded shuffle (the training part), or the rest when {@code !train}. */
    LengthDataset split(double fraction, long seed, boolean train) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("--split must be in (0, 1], got " + fraction);
        }
        List<LengthExample> shuffled = new ArrayList<>(examples);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = shuffled.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            shuffled.set(i, shuffled.set(j, shuffled.get(i)));
        }
        int cut = (int) Math.round(fraction * shuffled.size());
        List<LengthExample> part = train ? shuffled.subList(0, cut) : shuffled.subList(cut, shuffled.size());
        if (part.isEmpty()) {
            throw new IllegalArgumentException("--split " + fraction + " leaves no " + (train ? "training" : "test")
                    + " examples of " + shuffled.size() + " (use --split 1 to " + (train ? "train" : "evaluate") + " on all)");
        }
        return new LengthDataset(part);
    }
}
