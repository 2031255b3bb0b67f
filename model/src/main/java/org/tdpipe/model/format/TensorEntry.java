package org.tdpipe.model.format;

import java.lang.foreign.MemorySegment;

/**
 * One weight tensor as stored in a model file: zero-copy view of its bytes (usually memory-mapped).
 *
 * @param name canonical GGUF-style name, e.g. {@code blk.3.attn_q.weight} (see {@link ModelSource})
 * @param shape dimensions innermost first, as GGUF ({@code shape[0]} = row length of a matrix)
 */
public record TensorEntry(String name, GgmlType type, long[] shape, MemorySegment data) {
    public long elements() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
