package org.tdpipe.sim.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The model shapes the simulator knows, from their HF {@code config.json} (DESIGN §5). */
public final class ModelCatalog {
    private final Map<String, ModelShape> byName = new LinkedHashMap<>();

    public ModelCatalog(List<ModelShape> models) {
        for (ModelShape m : models) {
            if (byName.putIfAbsent(key(m.name()), m) != null) {
                throw new IllegalArgumentException("model '" + m.name() + "' is listed twice");
            }
        }
    }

    /** The built-in catalog. */
    public static ModelCatalog standard() {
        return new ModelCatalog(List.of(
                llama("llama-2-13b", 40, 5120, 40, 40, 13824, 32000),
                llama("llama-2-70b", 80, 8192, 64, 8, 28672, 32000),
                new ModelShape("qwen2.5-32b", 64, 5120, 40, 8, 128, 27648, 152064, true, true, false),
                llama("llama-3-8b", 32, 4096, 32, 8, 14336, 128256),
                llama("llama-2-7b", 32, 4096, 32, 32, 11008, 32000),
                new ModelShape("opt-125m", 12, 768, 12, 12, 64, 3072, 50272, true, false, true)));
    }

    /** The model called {@code name} (case-insensitive). */
    public ModelShape get(String name) {
        ModelShape model = byName.get(key(name));
        if (model == null) {
            throw new IllegalArgumentException("unknown model '" + name + "'; known: " + String.join(", ", names()));
        }
        return model;
    }

    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    private static ModelShape llama(String name, int layers, int hidden, int heads, int kvHeads, int ffn, int vocab) {
        return new ModelShape(name, layers, hidden, heads, kvHeads, 128, ffn, vocab, false, true, false);
    }

    private static String key(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }
}
