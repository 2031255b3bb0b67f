package org.tdpipe.sim.hw;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The GPUs the simulator knows (DESIGN §5, reference simulators.md §4.2): dense FP16 peaks, never
 * the sparse figures; the RTX 4090 uses its FP32-accumulate peak, which is what FP16 GEMMs in
 * PyTorch achieve.
 */
public final class GpuCatalog {
    private final Map<String, GpuSpec> byName = new LinkedHashMap<>();

    public GpuCatalog(List<GpuSpec> gpus) {
        for (GpuSpec gpu : gpus) {
            if (byName.putIfAbsent(key(gpu.name()), gpu) != null) {
                throw new IllegalArgumentException("GPU '" + gpu.name() + "' is listed twice");
            }
        }
    }

    /** The built-in catalog. */
    public static GpuCatalog standard() {
        return new GpuCatalog(List.of(
                new GpuSpec("l20", 119.5, 864, 48),
                new GpuSpec("a100-pcie-80gb", 312, 1935, 80),
                new GpuSpec("l40s", 362, 864, 48),
                new GpuSpec("rtx4090", 165, 1008, 24),
                new GpuSpec("h100-pcie", 756, 2000, 80),
                new GpuSpec("h100-sxm", 989, 3350, 80)));
    }

    /** The GPU called {@code name} (case-insensitive). */
    public GpuSpec get(String name) {
        GpuSpec gpu = byName.get(key(name));
        if (gpu == null) {
            throw new IllegalArgumentException("unknown GPU '" + name + "'; known: " + String.join(", ", names()));
        }
        return gpu;
    }

    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    private static String key(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }
}
