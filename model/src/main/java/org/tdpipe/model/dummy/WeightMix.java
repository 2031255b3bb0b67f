package org.tdpipe.model.dummy;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.tdpipe.model.format.GgmlType;
import org.tdpipe.model.format.ModelConfig;

/**
 * Which storage type each weight matrix of a dummy model gets: one type throughout (the name of a
 * {@link GgmlType}, e.g. {@code q8_0}, {@code q6_k}), or one of llama.cpp's medium K-quant mixes
 * {@code q4_k_m} / {@code q5_k_m}, which store the LM head (the embedding when the two are tied), and {@code attn_v} and {@code ffn_down}
 * in the first and last eighth of the layers and every third layer between, as Q6_K.
 *
 * @param name as given in the spec, lower case
 * @param base the type of every other matrix
 * @param mixed whether the Q6_K rule of the _M mixes applies
 */
public record WeightMix(String name, GgmlType base, boolean mixed) {
    /** The mix named {@code spec} (case-insensitive); unknown names fail listing the known ones. */
    public static WeightMix parse(String spec) {
        String name = spec.toLowerCase(Locale.ROOT);
        switch (name) {
            case "q4_k_m":
                return new WeightMix(name, GgmlType.Q4_K, true);
            case "q5_k_m":
                return new WeightMix(name, GgmlType.Q5_K, true);
            default:
                break;
        }
        for (GgmlType type : GgmlType.values()) {
            if (type.name().toLowerCase(Locale.ROOT).equals(name)) {
                return new WeightMix(name, type, false);
            }
        }
        throw new IllegalArgumentException("unknown weight type '" + spec + "'; use one of " + known());
    }

    private static String known() {
        return Arrays.stream(GgmlType.values()).map(t -> t.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "))
                + ", q4_k_m, q5_k_m";
    }

    /** The type of matrix {@code tensor} (a canonical GGUF name) of a model of {@code config}. */
    public GgmlType typeOf(String tensor, ModelConfig config) {
        if (!mixed) {
            return base;
        }
        String head = config.tiedEmbeddings() ? "token_embd.weight" : "output.weight";
        if (tensor.equals(head)) {
            return GgmlType.Q6_K;
        }
        if (tensor.endsWith(".attn_v.weight") || tensor.endsWith(".ffn_down.weight")) {
            int layer = Integer.parseInt(tensor.substring("blk.".length(), tensor.indexOf('.', "blk.".length())));
            return moreBits(layer, config.numLayers()) ? GgmlType.Q6_K : base;
        }
        return base;
    }

    /** llama.cpp's {@code use_more_bits}: the first and last eighth of the layers, and every third between. */
    private static boolean moreBits(int layer, int numLayers) {
        return layer < numLayers / 8 || layer >= 7 * numLayers / 8 || (layer - numLayers / 8) % 3 == 2;
    }
}
