package org.tdpipe.model.format;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
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
        Map<String, long[]> out = new LinkedHashMap<>();
        forEach(c, out::put);
        return out;
    }

    /** Visits the tensors of {@link #expected} one by one (no map of a possibly absurd layer count is built). */
    static void forEach(ModelConfig c, BiConsumer<String, long[]> visitor) {
        long dim = c.dim();
        long qDim = (long) c.numHeads() * c.headDim();
        long kvDim = (long) c.numKvHeads() * c.headDim();
        visitor.accept("token_embd.weight", new long[] {dim, c.vocabSize()});
        for (int l = 0; l < c.numLayers(); l++) {
            visitor.accept(layer(l, "attn_norm.weight"), new long[] {dim});
            visitor.accept(layer(l, "attn_q.weight"), new long[] {dim, qDim});
            visitor.accept(layer(l, "attn_k.weight"), new long[] {dim, kvDim});
            visitor.accept(layer(l, "attn_v.weight"), new long[] {dim, kvDim});
            if (c.qkvBias()) {
                visitor.accept(layer(l, "attn_q.bias"), new long[] {qDim});
                visitor.accept(layer(l, "attn_k.bias"), new long[] {kvDim});
                visitor.accept(layer(l, "attn_v.bias"), new long[] {kvDim});
            }
            visitor.accept(layer(l, "attn_output.weight"), new long[] {qDim, dim});
            visitor.accept(layer(l, "ffn_norm.weight"), new long[] {dim});
            visitor.accept(layer(l, "ffn_gate.weight"), new long[] {dim, c.hiddenDim()});
            visitor.accept(layer(l, "ffn_down.weight"), new long[] {c.hiddenDim(), dim});
            visitor.accept(layer(l, "ffn_up.weight"), new long[] {dim, c.hiddenDim()});
        }
        visitor.accept("output_norm.weight", new long[] {dim});
        if (!c.tiedEmbeddings()) {
            visitor.accept("output.weight", new long[] {dim, c.vocabSize()});
        }
    }

    /** Elements of all tensors of one layer (without biases), overflow-checked. */
    static long layerElements(ModelConfig c) {
        long dim = c.dim();
        long qDim = Math.multiplyExact((long) c.numHeads(), c.headDim());
        long kvDim = Math.multiplyExact((long) c.numKvHeads(), c.headDim());
        long attention = Math.multiplyExact(dim, Math.addExact(Math.multiplyExact(2, qDim), Math.multiplyExact(2, kvDim)));
        long ffn = Math.multiplyExact(3, Math.multiplyExact(dim, c.hiddenDim()));
        return Math.addExact(Math.addExact(attention, ffn), 2 * dim);
    }

    /** Fails naming the first missing or mis-shaped tensor. */
    static void check(ModelConfig config, Function<String, Optional<TensorEntry>> tensors, String location) {
        forEach(config, (name, shape) -> {
            TensorEntry t = tensors.apply(name).orElseThrow(() -> new ModelFormatException(location, "missing tensor " + name));
            if (!Arrays.equals(t.shape(), shape)) {
                throw new ModelFormatException(location, "tensor " + name + " has shape " + Arrays.toString(t.shape())
                        + ", the configuration needs " + Arrays.toString(shape));
            }
        });
    }
}
