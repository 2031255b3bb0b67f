package org.tdpipe.model.dummy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;
import org.tdpipe.model.format.ModelConfig;

/** Configurations of real models, by name, for dummy weights. */
public final class DummyCatalog {
    private static final SequencedMap<String, ModelConfig> MODELS = new LinkedHashMap<>();

    static {
        // the shape of karpathy's stories260K (tests run a model of this size in milliseconds)
        MODELS.put("llama-260k", new ModelConfig("llama", 64, 172, 5, 8, 4, 8, 512, 512, 1e-5f, 10000f, null, false, true));
        // karpathy's stories110M (llama2.c), ~110M parameters
        MODELS.put("llama-110m", new ModelConfig("llama", 768, 2048, 12, 12, 12, 64, 32000, 1024, 1e-5f, 10000f, null, false, true));
        MODELS.put("tinyllama-1.1b", new ModelConfig("llama", 2048, 5632, 22, 32, 4, 64, 32000, 2048, 1e-5f, 10000f, null, false, false));
        MODELS.put("llama-2-7b", new ModelConfig("llama", 4096, 11008, 32, 32, 32, 128, 32000, 4096, 1e-5f, 10000f, null, false, false));
        MODELS.put("llama-2-13b", new ModelConfig("llama", 5120, 13824, 40, 40, 40, 128, 32000, 4096, 1e-5f, 10000f, null, false, false));
        MODELS.put("llama-3.1-8b", new ModelConfig("llama", 4096, 14336, 32, 32, 8, 128, 128256, 131072, 1e-5f, 500000f,
                new ModelConfig.RopeScaling(8f, 1f, 4f, 8192), false, false));
        MODELS.put("mistral-7b", new ModelConfig("mistral", 4096, 14336, 32, 32, 8, 128, 32000, 32768, 1e-5f, 1000000f, null, false, false));
        MODELS.put("qwen2-0.5b", new ModelConfig("qwen2", 896, 4864, 24, 14, 2, 64, 151936, 32768, 1e-6f, 1000000f, null, true, true));
    }

    private DummyCatalog() {
    }

    /** The configuration named {@code name}; unknown names fail listing the known ones. */
    public static ModelConfig config(String name) {
        ModelConfig c = MODELS.get(name);
        if (c == null) {
            throw new IllegalArgumentException("unknown dummy model '" + name + "'; known: " + String.join(", ", MODELS.keySet()));
        }
        return c;
    }

    public static Map<String, ModelConfig> all() {
        return Map.copyOf(MODELS);
    }
}
