package org.tdpipe.model.format;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the weight tensors of a model add up to, as llama.cpp reports a model: their bytes, their
 * elements (parameters), and the type that holds most of the parameters (a Q4_0 file keeps its norms
 * in F32, yet is a Q4_0 model).
 */
public record ModelWeights(long bytes, long params, GgmlType mainType) {
    /** The optional tensor a GGUF Llama 3.1 file carries besides the canonical ones. */
    private static final String ROPE_FREQS = "rope_freqs.weight";

    /** Sums every tensor the model has; for a generated model this builds all of them. */
    public static ModelWeights of(ModelSource source) {
        List<TensorEntry> tensors = new ArrayList<>();
        CanonicalTensors.forEach(source.config(), (name, shape) -> source.tensor(name).ifPresent(tensors::add));
        source.tensor(ROPE_FREQS).ifPresent(tensors::add);
        Map<GgmlType, Long> elementsByType = new EnumMap<>(GgmlType.class);
        long bytes = 0;
        long params = 0;
        for (TensorEntry t : tensors) {
            elementsByType.merge(t.type(), t.elements(), Long::sum);
            bytes += t.type().bytesFor(t.elements());
            params += t.elements();
        }
        GgmlType main = elementsByType.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        return new ModelWeights(bytes, params, main);
    }
}
