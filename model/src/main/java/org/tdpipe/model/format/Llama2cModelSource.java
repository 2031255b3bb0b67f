package org.tdpipe.model.format;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tdpipe.model.tokenizer.Tokenizer;

/**
 * A llama2.c checkpoint (legacy format: seven int32 {@code dim, hidden_dim, n_layers, n_heads, n_kv_heads,
 * vocab_size, seq_len}, a negative vocab size meaning a separate classifier, then f32 weights in llama2.c
 * order) with its tokenizer file. Weights are zero-copy views of the mapped file under canonical names;
 * the RoPE tables stored before the classifier are skipped. llama2.c rotates adjacent pairs, so the Q/K
 * layout is the GGUF one.
 */
public final class Llama2cModelSource extends MappedModelSource {
    private static final int HEADER_BYTES = 7 * 4;
    private static final int VERSIONED_MAGIC = 0x616b3432; // "ak42": llama2.c export versions 1 and 2
    private static final float RMS_NORM_EPS = 1e-5f;
    private static final float ROPE_THETA = 10000f;

    private Llama2cModelSource(Path path, ModelConfig config, Tokenizer tokenizer, Map<String, TensorEntry> tensors,
            Arena arena) {
        super(path.toString(), config, tokenizer, tensors, arena);
    }

    public static Llama2cModelSource open(Path checkpoint, Path tokenizerFile) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment file = MappedFiles.map(checkpoint, arena);
            ModelConfig config = readConfig(new ByteCursor(file, checkpoint.toString()));
            Map<String, TensorEntry> tensors = slice(file, config, checkpoint.toString());
            Tokenizer tokenizer = Llama2cTokenizerReader.read(tokenizerFile, config.vocabSize());
            return new Llama2cModelSource(checkpoint, config, tokenizer, tensors, arena);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static ModelConfig readConfig(ByteCursor in) {
        int dim = in.i32("dim");
        if (dim == VERSIONED_MAGIC) {
            throw in.error("llama2.c export versions 1/2 (magic 'ak42') are not supported; use the legacy export");
        }
        int hidden = in.i32("hidden_dim");
        int layers = in.i32("n_layers");
        int heads = in.i32("n_heads");
        int kvHeads = in.i32("n_kv_heads");
        int vocab = in.i32("vocab_size");
        int seqLen = in.i32("seq_len");
        if (heads <= 0 || dim % heads != 0) {
            throw in.error("dim " + dim + " is not a multiple of n_heads " + heads);
        }
        ModelConfig config = new ModelConfig("llama", dim, hidden, layers, heads, kvHeads, dim / heads,
                Math.abs(vocab), seqLen, RMS_NORM_EPS, ROPE_THETA, null, false, vocab > 0);
        return ModelConfigCheck.validated(config, in.location());
    }

    private static Map<String, TensorEntry> slice(MemorySegment file, ModelConfig c, String location) {
        long layerBytes = Float.BYTES * CanonicalTensors.layerElements(c);
        if (c.numLayers() > file.byteSize() / layerBytes) {
            throw new ModelFormatException(location, "truncated: " + c.numLayers() + " layers of " + layerBytes
                    + " bytes cannot fit a file of " + file.byteSize() + " bytes");
        }
        Slicer slicer = new Slicer(file, CanonicalTensors.expected(c), location);
        slicer.take("token_embd.weight");
        // llama2.c stores each kind of weight for all layers together
        for (String kind : new String[] {"attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm",
                "ffn_gate", "ffn_down", "ffn_up"}) {
            for (int l = 0; l < c.numLayers(); l++) {
                slicer.take(CanonicalTensors.layer(l, kind + ".weight"));
            }
        }
        slicer.take("output_norm.weight");
        slicer.skip((long) c.contextLength() * c.headDim() * Float.BYTES); // freq_cis_real and freq_cis_imag (unused)
        if (!c.tiedEmbeddings()) {
            slicer.take("output.weight");
        }
        return slicer.tensors;
    }

    /** Cuts consecutive f32 tensors out of the file. */
    private static final class Slicer {
        private final MemorySegment file;
        private final Map<String, long[]> shapes;
        private final String location;
        private final Map<String, TensorEntry> tensors = new LinkedHashMap<>();
        private long offset = HEADER_BYTES;

        Slicer(MemorySegment file, Map<String, long[]> shapes, String location) {
            this.file = file;
            this.shapes = shapes;
            this.location = location;
        }

        void take(String name) {
            long[] shape = shapes.get(name);
            long bytes = Float.BYTES;
            for (long d : shape) {
                bytes = Math.multiplyExact(bytes, d);
            }
            if (bytes > file.byteSize() - offset) {
                throw new ModelFormatException(location, "truncated: tensor " + name + " needs bytes [" + offset + ", "
                        + (offset + bytes) + ") but the file has " + file.byteSize());
            }
            tensors.put(name, new TensorEntry(name, GgmlType.F32, shape, file.asSlice(offset, bytes)));
            offset += bytes;
        }

        void skip(long bytes) {
            offset = Math.addExact(offset, bytes);
        }
    }
}
