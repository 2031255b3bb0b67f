package org.tdpipe.model.format;

import java.util.List;

/** Reads a {@link ModelConfig} from the {@code <arch>.*} metadata of a GGUF model file. */
final class GgufModelConfigs {
    static final List<String> SUPPORTED_ARCHITECTURES = List.of("llama", "mistral", "qwen2");

    private GgufModelConfigs() {
    }

    static ModelConfig read(GgufFile file) {
        GgufMetadata md = file.metadata();
        String location = file.path().toString();
        String arch = md.string("general.architecture").orElseThrow(() -> new ModelFormatException(location,
                "no general.architecture: a vocabulary-only GGUF file cannot be loaded as a model"));
        if (!SUPPORTED_ARCHITECTURES.contains(arch)) {
            throw new ModelFormatException(location, "unsupported architecture '" + ShownText.of(arch) + "'; supported: "
                    + String.join(", ", SUPPORTED_ARCHITECTURES));
        }
        int dim = md.requireInt(arch + ".embedding_length");
        int heads = md.requireInt(arch + ".attention.head_count");
        int headDim = md.int32(arch + ".attention.key_length").orElse(heads > 0 ? dim / heads : 0);
        int ropeDims = md.int32(arch + ".rope.dimension_count").orElse(headDim);
        if (ropeDims != headDim) {
            throw new ModelFormatException(location, "partial RoPE (" + ropeDims + " of " + headDim + " dims) is not supported");
        }
        String scaling = md.string(arch + ".rope.scaling.type").orElse("none");
        if (!scaling.equals("none")) {
            throw new ModelFormatException(location, "RoPE scaling type '" + scaling + "' is not supported (Llama 3.1 files "
                    + "carry their scaling as the tensor rope_freqs.weight instead)");
        }
        TensorEntry embedding = file.tensor("token_embd.weight").orElseThrow(() -> new ModelFormatException(location,
                "missing tensor token_embd.weight"));
        if (embedding.shape().length != 2) {
            throw new ModelFormatException(location, "token_embd.weight should be a matrix");
        }
        ModelConfig config = new ModelConfig(
                arch,
                dim,
                md.requireInt(arch + ".feed_forward_length"),
                md.requireInt(arch + ".block_count"),
                heads,
                md.int32(arch + ".attention.head_count_kv").orElse(heads),
                headDim,
                Math.toIntExact(embedding.shape()[1]),
                md.requireInt(arch + ".context_length"),
                md.number(arch + ".attention.layer_norm_rms_epsilon").orElseThrow(
                        () -> md.missing(arch + ".attention.layer_norm_rms_epsilon")).floatValue(),
                md.number(arch + ".rope.freq_base").orElse(10000.0).floatValue(),
                null,
                file.tensor("blk.0.attn_q.bias").isPresent(),
                file.tensor("output.weight").isEmpty(),
                arch.equals("qwen2")); // llama.cpp runs qwen2 with NEOX (half-split) RoPE on unpermuted weights
        return ModelConfigCheck.validated(config, location);
    }
}
