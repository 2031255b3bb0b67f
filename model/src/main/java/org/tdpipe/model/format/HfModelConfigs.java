package org.tdpipe.model.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeSet;

/** Reads a {@link ModelConfig} from a Hugging Face {@code config.json}. */
final class HfModelConfigs {
    static final Map<String, String> SUPPORTED_ARCHITECTURES = Map.of(
            "LlamaForCausalLM", "llama", "MistralForCausalLM", "mistral", "Qwen2ForCausalLM", "qwen2");

    private HfModelConfigs() {
    }

    /**
     * @param hasLmHead whether the checkpoint stores {@code lm_head.weight} (otherwise the embedding is reused)
     */
    static ModelConfig read(JsonNode config, String location, boolean hasLmHead) {
        String hfArch = config.path("architectures").path(0).asText("");
        String arch = SUPPORTED_ARCHITECTURES.get(hfArch);
        if (arch == null) {
            throw new ModelFormatException(location, "unsupported architecture '" + hfArch + "'; supported: "
                    + String.join(", ", new TreeSet<>(SUPPORTED_ARCHITECTURES.keySet())));
        }
        int dim = JsonFiles.requireInt(config, "hidden_size", location);
        int heads = JsonFiles.requireInt(config, "num_attention_heads", location);
        int kvHeads = config.has("num_key_value_heads") ? JsonFiles.requireInt(config, "num_key_value_heads", location) : heads;
        int headDim = config.path("head_dim").isIntegralNumber() ? config.get("head_dim").asInt() : heads > 0 ? dim / heads : 0;
        boolean qkvBias = arch.equals("qwen2") || config.path("attention_bias").asBoolean(false);
        ModelConfig c = new ModelConfig(
                arch,
                dim,
                JsonFiles.requireInt(config, "intermediate_size", location),
                JsonFiles.requireInt(config, "num_hidden_layers", location),
                heads,
                kvHeads,
                headDim,
                JsonFiles.requireInt(config, "vocab_size", location),
                JsonFiles.requireInt(config, "max_position_embeddings", location),
                (float) config.path("rms_norm_eps").asDouble(1e-6),
                (float) config.path("rope_theta").asDouble(10000.0),
                ropeScaling(config.path("rope_scaling"), location),
                qkvBias,
                !hasLmHead,
                true); // Hugging Face keeps Q/K rows in the half-split RoPE layout
        return ModelConfigCheck.validated(c, location);
    }

    private static ModelConfig.RopeScaling ropeScaling(JsonNode scaling, String location) {
        if (scaling.isMissingNode() || scaling.isNull()) {
            return null;
        }
        String type = scaling.path("rope_type").asText(scaling.path("type").asText(""));
        if (type.equals("default")) {
            return null;
        }
        if (!type.equals("llama3")) {
            throw new ModelFormatException(location, "rope_scaling type '" + type + "' is not supported; supported: llama3");
        }
        return new ModelConfig.RopeScaling(
                (float) scaling.path("factor").asDouble(),
                (float) scaling.path("low_freq_factor").asDouble(),
                (float) scaling.path("high_freq_factor").asDouble(),
                scaling.path("original_max_position_embeddings").asInt());
    }
}
