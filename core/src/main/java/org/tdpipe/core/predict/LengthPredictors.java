package org.tdpipe.core.predict;

/** Builds a predictor from its command-line name. */
public final class LengthPredictors {
    public static final String NAMES = "oracle, noisy-oracle[:SIGMA] (default 0.5), constant:N";

    private LengthPredictors() {
    }

    public static LengthPredictor byName(String spec, long seed) {
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
                default -> throw new IllegalArgumentException("unknown predictor '" + spec + "'; known: " + NAMES);
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("predictor '" + spec + "': '" + arg + "' is not a number");
        }
    }
}
