package org.tdpipe.model.format;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Maps Hugging Face Llama/Mistral/Qwen2 parameter names to the canonical GGUF names. */
final class HfTensorNames {
    private static final Pattern LAYER = Pattern.compile("model\\.layers\\.(\\d{1,6})\\.(.+)");
    private static final Map<String, String> GLOBAL = Map.of(
            "model.embed_tokens.weight", "token_embd.weight",
            "model.norm.weight", "output_norm.weight",
            "lm_head.weight", "output.weight");
    private static final Map<String, String> PER_LAYER = Map.ofEntries(
            Map.entry("input_layernorm.weight", "attn_norm.weight"),
            Map.entry("self_attn.q_proj.weight", "attn_q.weight"),
            Map.entry("self_attn.k_proj.weight", "attn_k.weight"),
            Map.entry("self_attn.v_proj.weight", "attn_v.weight"),
            Map.entry("self_attn.q_proj.bias", "attn_q.bias"),
            Map.entry("self_attn.k_proj.bias", "attn_k.bias"),
            Map.entry("self_attn.v_proj.bias", "attn_v.bias"),
            Map.entry("self_attn.o_proj.weight", "attn_output.weight"),
            Map.entry("post_attention_layernorm.weight", "ffn_norm.weight"),
            Map.entry("mlp.gate_proj.weight", "ffn_gate.weight"),
            Map.entry("mlp.up_proj.weight", "ffn_up.weight"),
            Map.entry("mlp.down_proj.weight", "ffn_down.weight"));

    private HfTensorNames() {
    }

    /** The canonical name, or empty for parameters the forward pass does not use (e.g. rotary caches). */
    static Optional<String> canonical(String hfName) {
        String global = GLOBAL.get(hfName);
        if (global != null) {
            return Optional.of(global);
        }
        Matcher m = LAYER.matcher(hfName);
        if (m.matches() && PER_LAYER.containsKey(m.group(2))) {
            return Optional.of("blk." + Integer.parseInt(m.group(1)) + "." + PER_LAYER.get(m.group(2)));
        }
        return Optional.empty();
    }
}
