package org.tdpipe.model.format;

import java.util.Arrays;
import java.util.Map;

/** Test helper: GGUF files holding every tensor a configuration needs (filled with a recognisable value). */
final class TinyModels {
    private TinyModels() {
    }

    static GgufWriter gguf(ModelConfig c) {
        return gguf(c, c);
    }

    /** Metadata describing {@code c} but the tensors of {@code tensors} (to build inconsistent files). */
    static GgufWriter gguf(ModelConfig c, ModelConfig tensors) {
        String arch = c.architecture();
        GgufWriter w = new GgufWriter()
                .string("general.architecture", arch)
                .u32(arch + ".embedding_length", c.dim())
                .u32(arch + ".feed_forward_length", c.hiddenDim())
                .u32(arch + ".block_count", c.numLayers())
                .u32(arch + ".attention.head_count", c.numHeads())
                .u32(arch + ".attention.head_count_kv", c.numKvHeads())
                .u32(arch + ".context_length", c.contextLength())
                .f32(arch + ".attention.layer_norm_rms_epsilon", c.rmsNormEps())
                .f32(arch + ".rope.freq_base", c.ropeTheta())
                .string("tokenizer.ggml.model", "llama")
                .strings("tokenizer.ggml.tokens", tokens(c.vocabSize()));
        for (Map.Entry<String, long[]> t : CanonicalTensors.expected(tensors).entrySet()) {
            long elements = 1;
            for (long d : t.getValue()) {
                elements *= d;
            }
            float[] values = new float[(int) elements];
            Arrays.fill(values, 0.5f);
            w.tensor(t.getKey(), 0, t.getValue(), GgufWriter.floats(values));
        }
        return w;
    }

    private static String[] tokens(int n) {
        String[] tokens = new String[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = i < 3 ? new String[] {"<unk>", "<s>", "</s>"}[i] : "t" + i;
        }
        return tokens;
    }
}
