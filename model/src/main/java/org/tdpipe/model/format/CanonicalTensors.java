package org.tdpipe.model.format;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The canonical (GGUF) tensor names of a Llama-family model and their shapes, innermost dimension first
 * (a matrix {@code {in, out}} has {@code out} rows of {@code in} elements).
 */
public final class CanonicalTensors {
    private CanonicalTensors() {
    }

    public static String layer(int layer, String suffix) {
        return "blk." + layer + "." + suffix;
    }

    /** Every tensor the configuration needs, in file order, with its shape. */
    public static Map<String, long[]> expected(ModelConfig c) {
        long dim = c.dim();
        long qDim = (long) c.numHeads() * c.headDim();
        long kvDim = (long) c.numKvHeads() * c.headDim();
        Map<String, long[]> out = new LinkedHashMap<>();
        out.put("token_embd.weight", new long[] {dim, c.vocabSize()});
        for (int l = 0; l < c.numLayers(); l++) {
            out.put(layer(l, "attn_norm.weight"), new long[] {dim});
            out.put(layer(l, "attn_q.weight"), new long[] {dim, qDim});
            out.put(layer(l, "attn_k.weight"), new long[] {dim, kvDim});
            out.put(layer(l, "attn_v.weight"), new long[] {dim, kvDim});
            if (c.qkvBias()) {
                out.put(layer(l, "attn_q.bias"), new long[] {qDim});
                out.put(layer(l, "attn_k.bias"), new long[] {kvDim});
                out.put(layer(l, "attn_v.bias"), new long[] {kvDim});
            }
            out.put(layer(l, "attn_output.weight"), new long[] {qDim, dim});
            out.put(layer(l, "ffn_norm.weight"), new long[] {dim});
            out.put(layer(l, "ffn_gate.weight"), new long[] {dim, c.hiddenDim()});
            out.put(layer(l, "ffn_down.weight"), new long[] {c.hiddenDim(), dim});
            out.put(layer(l, "ffn_up.weight"), new long[] {dim, c.hiddenDim()});
        }
        out.put("output_norm.weight", new long[] {dim});
        if (!c.tiedEmbeddings()) {
            out.put("output.weight", new long[] {dim, c.vocabSize()});
        }
        return out;
    }

    /** Fails naming the first missing or mis-shaped tensor. */
    static void check(ModelConfig config, Function<String, Optional<TensorEntry>> tensors, String location) {
        for (Map.Entry<String, long[]> e : expected(config).entrySet()) {
            TensorEntry t = tensors.apply(e.getKey()).orElseThrow(
                    () -> new ModelFormatException(location, "missing tensor " + e.getKey()));
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new ModelFormatException(location, "tensor " + e.getKey() + " has shape " + Arrays.toString(t.shape())
                        + ", the configuration needs " + Arrays.toString(e.getValue()));
            }
        }
    }
}
