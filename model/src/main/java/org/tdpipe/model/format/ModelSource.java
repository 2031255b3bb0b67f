package org.tdpipe.model.format;

import java.util.Optional;
import org.tdpipe.model.tokenizer.Tokenizer;

/**
 * A loaded model file or folder (GGUF, llama2.c, Hugging Face safetensors): its configuration, its
 * tokenizer and zero-copy access to its tensors under canonical GGUF names:
 * {@code token_embd.weight}, {@code blk.N.attn_norm.weight}, {@code blk.N.attn_q.weight},
 * {@code blk.N.attn_k.weight}, {@code blk.N.attn_v.weight}, {@code blk.N.attn_output.weight},
 * {@code blk.N.attn_q.bias} (etc., Qwen2), {@code blk.N.ffn_norm.weight}, {@code blk.N.ffn_gate.weight},
 * {@code blk.N.ffn_up.weight}, {@code blk.N.ffn_down.weight}, {@code output_norm.weight},
 * {@code output.weight} (absent when embeddings are tied) — {@link CanonicalTensors#expected} lists them
 * with their shapes, and every source checks them at load. Matrices are {@code {in, out}}: {@code out} rows
 * of {@code in} contiguous elements. A GGUF Llama 3.1 file may also carry {@code rope_freqs.weight}
 * ({@code headDim/2} F32 divisors of the RoPE frequencies), which llama.cpp's converter writes instead of
 * rope-scaling metadata.
 *
 * <p>Q/K weights are not copied or permuted: their row layout within each head is what
 * {@link ModelConfig#ropeHalfSplit()} says — adjacent RoPE pairs for GGUF "llama" and llama2.c files,
 * half-split pairs for Hugging Face folders and GGUF "qwen2" files. The forward pass rotates accordingly.
 *
 * <p>Tensor segments are valid until {@link #close()}, which unmaps the files.
 */
public interface ModelSource extends AutoCloseable {
    /** Where it was loaded from, for error messages. */
    String location();

    ModelConfig config();

    Tokenizer tokenizer();

    /** A tensor by canonical name; reading it does not touch other tensors' bytes. */
    Optional<TensorEntry> tensor(String name);

    /** The model's own Jinja chat template, if its files carry one. */
    default Optional<String> chatTemplate() {
        return Optional.empty();
    }

    default TensorEntry require(String name) {
        return tensor(name).orElseThrow(() -> new IllegalArgumentException(location() + ": missing tensor " + name));
    }

    @Override
    default void close() {
    }
}
