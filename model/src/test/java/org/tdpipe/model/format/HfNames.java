package org.tdpipe.model.format;

/** Test helper: the Hugging Face parameter name of a canonical tensor name (inverse of {@link HfTensorNames}). */
final class HfNames {
    private static final String[][] PER_LAYER = {{"attn_norm.weight", "input_layernorm.weight"},
        {"attn_q.weight", "self_attn.q_proj.weight"}, {"attn_k.weight", "self_attn.k_proj.weight"},
        {"attn_v.weight", "self_attn.v_proj.weight"}, {"attn_q.bias", "self_attn.q_proj.bias"},
        {"attn_k.bias", "self_attn.k_proj.bias"}, {"attn_v.bias", "self_attn.v_proj.bias"},
        {"attn_output.weight", "self_attn.o_proj.weight"}, {"ffn_norm.weight", "post_attention_layernorm.weight"},
        {"ffn_gate.weight", "mlp.gate_proj.weight"}, {"ffn_up.weight", "mlp.up_proj.weight"},
        {"ffn_down.weight", "mlp.down_proj.weight"}};

    private HfNames() {
    }

    static String of(String canonical) {
        switch (canonical) {
            case "token_embd.weight":
                return "model.embed_tokens.weight";
            case "output_norm.weight":
                return "model.norm.weight";
            case "output.weight":
                return "lm_head.weight";
            default:
                break;
        }
        String[] parts = canonical.split("\\.", 3);
        for (String[] p : PER_LAYER) {
            if (p[0].equals(parts[2])) {
                return "model.layers." + parts[1] + "." + p[1];
            }
        }
        throw new IllegalArgumentException(canonical);
    }
}
