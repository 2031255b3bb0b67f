package org.tdpipe.model.format;

/** Sanity checks of a configuration read from a file, so that nonsense fails at load, naming the file. */
final class ModelConfigCheck {
    private ModelConfigCheck() {
    }

    static ModelConfig validated(ModelConfig c, String location) {
        positive(location, "dim", c.dim());
        positive(location, "hidden dim", c.hiddenDim());
        positive(location, "layer count", c.numLayers());
        positive(location, "head count", c.numHeads());
        positive(location, "KV head count", c.numKvHeads());
        positive(location, "head dim", c.headDim());
        positive(location, "vocabulary size", c.vocabSize());
        positive(location, "context length", c.contextLength());
        if (c.numHeads() % c.numKvHeads() != 0) {
            throw new ModelFormatException(location, "head count " + c.numHeads() + " is not a multiple of the KV head count "
                    + c.numKvHeads());
        }
        if (c.headDim() % 2 != 0) {
            throw new ModelFormatException(location, "head dim " + c.headDim() + " is odd; RoPE needs pairs");
        }
        if (!(c.rmsNormEps() > 0) || !(c.ropeTheta() > 0)) {
            throw new ModelFormatException(location, "RMS norm epsilon " + c.rmsNormEps() + " and RoPE base "
                    + c.ropeTheta() + " must be positive");
        }
        return c;
    }

    private static void positive(String location, String what, int value) {
        if (value <= 0) {
            throw new ModelFormatException(location, what + " must be positive, is " + value);
        }
    }
}
