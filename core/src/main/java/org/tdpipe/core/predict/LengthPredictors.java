package org.tdpipe.core.predict;

import java.nio.file.Path;
import org.tdpipe.core.predict.learned.LearnedLengthPredictor;
import org.tdpipe.core.predict.learned.LengthModelFile;

/** Builds a predictor from its command-line name. */
public final class LengthPredictors {
    public static final String NAMES = "oracle, noisy-oracle[:SIGMA] (default 0.5), constant:N, learned:MODEL, learned-online:MODEL";

    private LengthPredictors() {
    }

    public static LengthPredictor byName(String spec, long seed) {
        return byName(spec, seed, LengthScale.IDENTITY);
    }

    /**
     * The predictor named {@code spec} for a workload that is {@code scale} times the trace; only the
     * learned ones use it (the others predict in the workload's own lengths).
     */
    public static LengthPredictor byName(String spec, long seed, LengthScale scale) {
        String name = spec.strip();
        String arg = null;
        int colon = name.indexOf(':');
        if (colon >= 0) {
            arg = name.substring(colon + 1);
            name = name.substring(0, colon);
        }
        try {
            return switch (name) {
                case "oracle" -> new OraclePredictor();
                case "noisy-oracle" -> new NoisyOraclePredictor(arg == null ? 0.5 : Double.parseDouble(arg), seed);
                case "constant" -> {
                    if (arg == null) {
                        throw new IllegalArgumentException("predictor 'constant' needs a length, e.g. constant:256");
                    }
                    yield new ConstantPredictor(Integer.parseInt(arg));
                }
                case "learned", "learned-online" -> {
                    if (arg == null || arg.isBlank()) {
                        throw new IllegalArgumentException("predictor '" + name + "' needs a model file, e.g. " + name + ":model.bin");
                    }
                    yield new LearnedLengthPredictor(spec.strip(), LengthModelFile.read(Path.of(arg)),
                            name.equals("learned-online"), LearnedLengthPredictor.DEFAULT_WINDOW, scale);
                }
                default -> throw new IllegalArgumentException("unknown predictor '" + spec + "'; known: " + NAMES);
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("predictor '" + spec + "': '" + arg + "' is not a number");
        }
    }
}
