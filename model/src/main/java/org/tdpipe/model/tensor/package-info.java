/**
 * Weight tensors and their kernels: one {@link org.tdpipe.model.tensor.Matrix} subclass per storage
 * type (F32, F16, BF16, Q8_0, Q4_0) over a zero-copy {@link java.lang.foreign.MemorySegment}, each
 * with Vector API matrix-vector and tiled matrix-matrix products whose per-output reduction order
 * does not depend on the batch; {@link org.tdpipe.model.tensor.Parallel} splits them over a stage's
 * threads.
 */
package org.tdpipe.model.tensor;
