package org.tdpipe.model.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tdpipe.model.format.GgmlType;

class MatrixTest {
    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /** {@code atLeast} rounded up to whole blocks of {@code type}. */
    private static int columns(GgmlType type, int atLeast) {
        int block = type.blockSize();
        return (atLeast + block - 1) / block * block;
    }

    private static Matrix matrix(GgmlType type, int rows, int cols, Arena arena) {
        return Matrix.of("w", type, rows, cols, WeightEncoder.encode(type, random(rows * cols, 1), arena));
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void multiplyMatchesDecodedRowsForEveryBatchSize(GgmlType type) {
        int rows = 37;
        int cols = columns(type, 603); // several column blocks of the F32 kernel, and a tail
        try (Arena arena = Arena.ofShared(); Parallel parallel = new Parallel(3)) {
            Matrix m = matrix(type, rows, cols, arena);
            float[] decoded = new float[rows * cols];
            for (int r = 0; r < rows; r++) {
                m.readRow(r, decoded, r * cols);
            }
            for (int batch : new int[] {1, 3, 4, 5, 9}) {
                float[] in = random(batch * cols, 7);
                float[] out = new float[batch * rows];
                m.multiply(in, batch, out, parallel);
                for (int b = 0; b < batch; b++) {
                    for (int r = 0; r < rows; r++) {
                        double expected = 0;
                        for (int k = 0; k < cols; k++) {
                            expected += (double) decoded[r * cols + k] * in[b * cols + k];
                        }
                        assertEquals(expected, out[b * rows + r], 1e-4, type + " batch " + batch + " row " + r);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void rowAndColumnSlicesDecodeAsThePartsOfTheWhole(GgmlType type) {
        int rows = 12;
        int block = type.blockSize();
        int cols = 4 * block * ((40 + block - 1) / block); // quarters of whole blocks
        try (Arena arena = Arena.ofShared()) {
            Matrix m = matrix(type, rows, cols, arena);
            float[] whole = new float[cols];
            Matrix top = m.rows(3, 9);
            Matrix middle = m.columns(cols / 4, 3 * cols / 4);
            assertEquals(6, top.rows());
            assertEquals(cols / 2, middle.cols());
            for (int r = 0; r < rows; r++) {
                m.readRow(r, whole, 0);
                float[] part = new float[cols / 2];
                middle.readRow(r, part, 0);
                assertArrayEquals(java.util.Arrays.copyOfRange(whole, cols / 4, 3 * cols / 4), part, type + " row " + r);
                if (r >= 3 && r < 9) {
                    float[] row = new float[cols];
                    top.readRow(r - 3, row, 0);
                    assertArrayEquals(whole, row, type + " row " + r);
                }
            }
            if (block > 1) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.columns(1, cols));
                assertEquals("w: columns 1.." + cols + " split " + type + " blocks of " + block + " values", e.getMessage());
            }
            assertThrows(IllegalArgumentException.class, () -> m.rows(5, 5));
        }
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void batchedRowsEqualSingleRows(GgmlType type) {
        int rows = 20;
        int cols = columns(type, 523);
        int batch = 9;
        try (Arena arena = Arena.ofShared(); Parallel parallel = new Parallel(2)) {
            Matrix m = matrix(type, rows, cols, arena);
            float[] in = random(batch * cols, 3);
            float[] all = new float[batch * rows];
            m.multiply(in, batch, all, parallel);
            for (int b = 0; b < batch; b++) {
                float[] one = new float[rows];
                m.multiply(java.util.Arrays.copyOfRange(in, b * cols, (b + 1) * cols), 1, one, parallel);
                float[] fromBatch = java.util.Arrays.copyOfRange(all, b * rows, (b + 1) * rows);
                assertArrayEquals(one, fromBatch, type + " input row " + b); // bit for bit
            }
        }
    }

    /** The kernels' arithmetic, one output at a time: Σ_k in order of fma(decoded weight, input). */
    private static float reference(float[] decoded, int row, int cols, float[] in, int inOff) {
        float acc = 0;
        for (int k = 0; k < cols; k++) {
            acc = Math.fma(decoded[row * cols + k], in[inOff + k], acc);
        }
        return acc;
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void everyKernelMatchesTheScalarReferenceExactlyOnRandomShapes(GgmlType type) {
        Random shapes = new Random(type.ordinal());
        try (Arena arena = Arena.ofShared(); Parallel parallel = new Parallel(2)) {
            for (int trial = 0; trial < 6; trial++) {
                int rows = 1 + shapes.nextInt(3 * Vectors.PANEL + 5);
                int cols = columns(type, 1 + shapes.nextInt(300));
                Matrix m = matrix(type, rows, cols, arena);
                float[] decoded = new float[rows * cols];
                for (int r = 0; r < rows; r++) {
                    m.readRow(r, decoded, r * cols);
                }
                for (int batch : new int[] {1, 2, 5, 6, 7, 13, 67}) {
                    float[] in = random(batch * cols, 11 + batch);
                    float[] out = new float[batch * rows];
                    m.multiply(in, batch, out, parallel);
                    for (int b = 0; b < batch; b++) {
                        for (int r = 0; r < rows; r++) {
                            assertEquals(reference(decoded, r, cols, in, b * cols), out[b * rows + r],
                                    type + " " + rows + " x " + cols + ", batch " + batch + ", input " + b + ", row " + r);
                        }
                    }
                }
            }
        }
    }

    @Test
    void quantizedRowsStayCloseToTheirValues() {
        float[] values = random(256, 5);
        try (Arena arena = Arena.ofShared()) {
            for (GgmlType type : GgmlType.values()) {
                Matrix m = Matrix.of("w", type, 1, 256, WeightEncoder.encode(type, values, arena));
                float[] back = new float[256];
                m.readRow(0, back, 0);
                float tolerance = switch (type) {
                    case F32 -> 0f;
                    case F16 -> 2e-3f;
                    case BF16 -> 2e-2f;
                    case Q8_0 -> 0.02f;
                    case Q4_0 -> 0.4f; // one step: the positive end is clamped at 7/8 of the range
                    // K-quants: half a step of a group's range over its levels, plus the error of the
                    // group scale quantized against the block's largest (and one step at a clamped end)
                    case Q2_K -> 0.9f;
                    case Q3_K -> 0.7f;
                    case Q4_K -> 0.2f;
                    case Q5_K -> 0.1f;
                    case Q6_K -> 0.1f;
                };
                assertArrayEquals(values, back, tolerance, type.toString());
            }
        }
    }

    @Test
    void rejectsTensorsTooSmallForTheirShape() {
        try (Arena arena = Arena.ofShared()) {
            var data = arena.allocate(10);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Matrix.of("blk.0.attn_q.weight", GgmlType.F32, 4, 4, data));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("blk.0.attn_q.weight"), e.getMessage());
        }
    }
}
