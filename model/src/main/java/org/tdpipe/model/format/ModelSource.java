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
 * {@code output.weight} (absent when embeddings are tied). Q/K weights are in the layout that the
 * forward pass expects (GGUF's, i.e. llama.cpp's permuted RoPE layout is undone by the reader where
 * needed so that RoPE rotates adjacent pairs... see the implementation notes of each reader).
 */
public interface ModelSource extends AutoCloseable {
    /** Where it was loaded from, for error messages. */
    String location();

    ModelConfig config();

    Tokenizer tokenizer();

    /** A tensor by canonical name; reading it does not touch other tensors' bytes. */
    Optional<TensorEntry> tensor(String name);

    default TensorEntry require(String name) {
        return tensor(name).orElseThrow(() -> new IllegalArgumentException(location() + ": missing tensor " + name));
    }

    @Override
    default void close() {
    }
}
