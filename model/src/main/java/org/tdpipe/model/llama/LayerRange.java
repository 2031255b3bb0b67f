package org.tdpipe.model.llama;

import java.util.ArrayList;
import java.util.List;

/**
 * The transformer layers {@code [from, to)} one pipeline stage holds, out of {@code total}. The
 * first stage also embeds tokens; the last applies the final norm and the LM head.
 */
public record LayerRange(int from, int to, int total) {
    public LayerRange {
        if (from < 0 || to <= from || to > total) {
            throw new IllegalArgumentException("bad layer range [" + from + ", " + to + ") of " + total + " layers");
        }
    }

    public static LayerRange all(int total) {
        return new LayerRange(0, total, total);
    }

    /** {@code stages} contiguous ranges covering all layers, sizes differing by at most one. */
    public static List<LayerRange> split(int total, int stages) {
        if (stages < 1 || stages > total) {
            throw new IllegalArgumentException("cannot split " + total + " layers into " + stages + " stages (need 1.." + total + ")");
        }
        List<LayerRange> out = new ArrayList<>(stages);
        int from = 0;
        for (int s = 0; s < stages; s++) {
            int size = total / stages + (s < total % stages ? 1 : 0);
            out.add(new LayerRange(from, from + size, total));
            from += size;
        }
        return out;
    }

    public int size() {
        return to - from;
    }

    public boolean isFirst() {
        return from == 0;
    }

    public boolean isLast() {
        return to == total;
    }
}
