package org.tdpipe.model.tensor;

/**
 * Per-thread scratch row for weight types whose kernels decode a row to floats first (F16, BF16):
 * the decoding is paid once per row and tile of four input rows.
 */
final class RowDecoding {
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    private RowDecoding() {
    }

    static float[] scratch(int cols) {
        float[] row = SCRATCH.get();
        if (row.length < cols) {
            row = new float[cols];
            SCRATCH.set(row);
        }
        return row;
    }
}
