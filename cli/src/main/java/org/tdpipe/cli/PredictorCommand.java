package org.tdpipe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tdpipe.core.predict.learned.LengthEvaluation;
import org.tdpipe.core.predict.learned.LengthExample;
import org.tdpipe.core.predict.learned.LengthModel;
import org.tdpipe.core.predict.learned.LengthModelFile;
import org.tdpipe.core.predict.learned.LengthModelTrainer;
import org.tdpipe.core.predict.learned.TrainingOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tdpipe predictor dataset|train|eval}: the learned output-length bucket classifier and its data. */
@Command(name = "predictor", mixinStandardHelpOptions = true,
        description = "Make a text dataset, train and evaluate the learned output-length predictor (use it with --predictor learned:MODEL).",
        subcommands = {PredictorDatasetCommand.class, PredictorCommand.Train.class, PredictorCommand.Eval.class})
public final class PredictorCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Where the examples come from and which part of them a subcommand uses. */
    static final class DataOptions {
        @Option(names = "--data", required = true, description = "Length trace CSV (ShareGPT stats or Azure) or JSONL {\"prompt\": ..., \"output_tokens\": N}")
        Path data;

        @Option(names = "--split", defaultValue = "0.8", description = "Fraction of a seeded shuffle used for training; eval uses the rest, or all with 1 (default: ${DEFAULT-VALUE})")
        double split;

        @Option(names = "--seed", defaultValue = "0", description = "Split and training seed (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--tokenizer", description = "Model whose tokenizer counts JSONL prompt tokens (default: whitespace words)")
        String tokenizer;

        List<LengthExample> load(boolean train) {
            LengthDataset all = LengthDataset.read(data, tokenizer);
            if (split == 1) {
                return all.examples();
            }
            return all.split(split, seed, train).examples();
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true, description = "Train a model on the training split and write it.")
    static final class Train implements Callable<Integer> {
        @Mixin
        DataOptions data = new DataOptions();

        @Option(names = "--out", required = true, description = "Model file to write")
        Path out;

        @Option(names = "--epochs", defaultValue = "10", description = "SGD epochs (default: ${DEFAULT-VALUE})")
        int epochs;

        @Option(names = "--buckets", defaultValue = "16", description = "Geometric output-length buckets (default: ${DEFAULT-VALUE})")
        int buckets;

        @Option(names = "--hash-bits", defaultValue = "12", description = "Hashed word n-gram features, 2^N (0 = none) (default: ${DEFAULT-VALUE})")
        int hashBits;

        @Override
        public Integer call() {
            List<LengthExample> examples = data.load(true);
            TrainingOptions defaults = TrainingOptions.defaults(data.seed);
            TrainingOptions options = new TrainingOptions(data.seed, epochs, buckets, hashBits, defaults.learningRate(), defaults.l2());
            long start = System.nanoTime();
            LengthModel model = LengthModelTrainer.train(examples, options);
            LengthModelFile.write(out, model);
            System.out.printf(Locale.ROOT, "Trained on %d examples of %s in %.1f s: %d buckets %s, %d weights, training mean %.1f tokens%nWrote %s%n",
                    examples.size(), data.data, (System.nanoTime() - start) / 1e9, model.numBuckets(),
                    Arrays.toString(model.edges()), model.numWeights(), model.trainingMean(), out);
            return 0;
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a model on the test split (or all of --data with --split 1).")
    static final class Eval implements Callable<Integer> {
        private static final int TIMING_ROUNDS = 5;
        /** Predictions timed in all at least, so that small test sets are timed on compiled code. */
        private static final int TIMED_PREDICTIONS = 50_000;

        @Mixin
        DataOptions data = new DataOptions();

        @Option(names = "--model", required = true, description = "Model file from 'predictor train'")
        Path model;

        @Option(names = "--json", description = "Write the metrics as JSON to this file")
        Path json;

        @Option(names = "--online", description = "Learn from each example after predicting it (prequential, as served traffic)")
        boolean online;

        @Override
        public Integer call() throws IOException {
            LengthModel m = LengthModelFile.read(model);
            List<LengthExample> examples = data.load(false);
            double nsPerPrediction = nsPerPrediction(m, examples);
            LengthEvaluation eval = LengthEvaluation.of(m, examples, online);
            print(System.out, eval, m.edges(), nsPerPrediction);
            if (json != null) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("model", model.toString());
                doc.put("data", data.data.toString());
                doc.put("examples", eval.count());
                doc.put("online", online);
                doc.put("bucket_accuracy", eval.bucketAccuracy());
                doc.put("mae", eval.meanAbsoluteError());
                doc.put("baseline_mae", eval.baselineMae());
                doc.put("expected_calibration_error", eval.expectedCalibrationError());
                doc.put("bucket_edges", m.edges());
                doc.put("mean_predicted_probability", eval.meanPredicted());
                doc.put("observed_frequency", eval.observed());
                doc.put("ns_per_prediction", nsPerPrediction);
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
            }
            return 0;
        }

        /** Wall time of a full prediction (features, softmax, distribution, median), best of several rounds. */
        private static double nsPerPrediction(LengthModel m, List<LengthExample> examples) {
            double best = Double.POSITIVE_INFINITY;
            long sink = 0;
            int rounds = Math.max(TIMING_ROUNDS, (TIMED_PREDICTIONS + examples.size() - 1) / examples.size());
            for (int round = 0; round < rounds; round++) {
                long start = System.nanoTime();
                for (LengthExample e : examples) {
                    sink += m.distribution(e.query()).quantile(0.5);
                }
                best = Math.min(best, (System.nanoTime() - start) / (double) examples.size());
            }
            return sink == Long.MIN_VALUE ? Double.NaN : best;
        }

        private void print(PrintStream out, LengthEvaluation eval, int[] edges, double nsPerPrediction) {
            out.printf(Locale.ROOT, "Evaluated %s on %d examples of %s%s%n", model, eval.count(), data.data,
                    online ? " (online: learning after each prediction)" : "");
            out.printf(Locale.ROOT, "  bucket accuracy        %.3f%n", eval.bucketAccuracy());
            out.printf(Locale.ROOT, "  MAE (median)           %.1f tokens%n", eval.meanAbsoluteError());
            out.printf(Locale.ROOT, "  baseline MAE (mean)    %.1f tokens%n", eval.baselineMae());
            out.printf(Locale.ROOT, "  calibration error ECE  %.3f%n", eval.expectedCalibrationError());
            out.printf(Locale.ROOT, "  prediction cost        %.0f ns/request%n", nsPerPrediction);
            out.println("  reliability per bucket (mean predicted probability vs observed frequency):");
            for (int b = 0; b < eval.meanPredicted().length; b++) {
                out.printf(Locale.ROOT, "    [%5d, %5d)  %.3f  %.3f%n", edges[b], edges[b + 1], eval.meanPredicted()[b], eval.observed()[b]);
            }
        }
    }
}
