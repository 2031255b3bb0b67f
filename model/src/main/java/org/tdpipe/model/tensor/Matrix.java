package org.tdpipe.model.tensor;

import java.lang.foreign.MemorySegment;
import org.tdpipe.model.format.GgmlType;
import org.tdpipe.model.format.TensorEntry;

/**
 * A read-only weight matrix of {@code rows × cols} elements stored row-major in a
 * {@link MemorySegment} (usually a memory-mapped model file), one subclass per storage type, each
 * with its own Vector API dot-product kernels.
 *
 * <p>Products take F32 activations. Every output element is computed by the same sequence of
 * operations whatever the batch size (a single accumulator vector over the row, then one lane
 * reduction and a scalar tail), so a token's result does not depend on which batch it ran in; the
 * batched kernel {@link #dot4} only saves memory traffic by loading each weight vector once for
 * four input rows.
 */
public abstract sealed class Matrix permits F32Matrix, RowDecodedMatrix, BlockQuantizedMatrix {
    /** Output rows computed by one task before moving to the next batch tile (keeps them in cache). */
    private static final int ROW_BLOCK = 16;
    /** Multiply-adds worth handing to another thread; smaller products run on the caller alone. */
    private static final long MIN_TASK_WORK = 1 << 16;

    protected final String name;
    private final GgmlType type;
    protected final int rows;
    protected final int cols;
    protected final MemorySegment data;

    protected Matrix(String name, int rows, int cols, MemorySegment data, GgmlType type) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException(name + ": bad matrix shape " + rows + " x " + cols);
        }
        long needed = type.bytesFor((long) rows * cols);
        if (data.byteSize() < needed) {
            throw new IllegalArgumentException(name + ": " + type + " " + rows + " x " + cols + " needs " + needed
                    + " bytes but the tensor holds " + data.byteSize());
        }
        this.name = name;
        this.type = type;
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    /** A matrix view of a 2-D tensor entry ({@code shape[0]} = row length). */
    public static Matrix of(TensorEntry entry) {
        long[] shape = entry.shape();
        if (shape.length != 2 || shape[0] > Integer.MAX_VALUE || shape[1] > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(entry.name() + ": expected a 2-D tensor, got shape " + java.util.Arrays.toString(shape));
        }
        return of(entry.name(), entry.type(), (int) shape[1], (int) shape[0], entry.data());
    }

    public static Matrix of(String name, GgmlType type, int rows, int cols, MemorySegment data) {
        return switch (type) {
            case F32 -> new F32Matrix(name, rows, cols, data);
            case F16 -> new F16Matrix(name, rows, cols, data);
            case BF16 -> new BF16Matrix(name, rows, cols, data);
            case Q8_0 -> new Q8_0Matrix(name, rows, cols, data);
            case Q4_0 -> new Q4_0Matrix(name, rows, cols, data);
        };
    }

    public String name() {
        return name;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public final GgmlType type() {
        return type;
    }

    /** Bytes of weights read by one full pass over the matrix. */
    public long byteSize() {
        return type().bytesFor((long) rows * cols);
    }

    /** Decodes row {@code row} into {@code dst[off, off + cols)} (an embedding lookup). */
    public abstract void readRow(int row, float[] dst, int off);

    /** Σ_k W[row, k] · x[xOff + k]. */
    protected abstract float dot(int row, float[] x, int xOff);

    /**
     * Four dot products of row {@code row} with the input rows starting at {@code xOff + j·xStride}
     * (j = 0..3), stored at {@code out[outOff + j·outStride]}; each equal to {@link #dot}.
     */
    protected abstract void dot4(int row, float[] x, int xOff, int xStride, float[] out, int outOff, int outStride);

    /**
     * {@code out[b·rows + r] = Σ_k W[r, k] · in[b·cols + k]} for the {@code batch} input rows: a
     * matrix-vector product for batch 1, a tiled matrix-matrix product otherwise, parallel over
     * output rows.
     */
    public void multiply(float[] in, int batch, float[] out, Parallel parallel) {
        if (in.length < (long) batch * cols || out.length < (long) batch * rows) {
            throw new IllegalArgumentException(name + ": buffers too small for a batch of " + batch + " (in "
                    + in.length + ", out " + out.length + ", matrix " + rows + " x " + cols + ")");
        }
        if (batch == 0) {
            return;
        }
        long rowWork = (long) cols * batch;
        int grain = (int) Math.min(rows, Math.max(1, (MIN_TASK_WORK + rowWork - 1) / rowWork));
        grain = (grain + ROW_BLOCK - 1) / ROW_BLOCK * ROW_BLOCK;
        parallel.forRange(rows, grain, (from, to) -> multiplyRows(in, batch, out, from, to));
    }

    private void multiplyRows(float[] in, int batch, float[] out, int from, int to) {
        for (int r0 = from; r0 < to; r0 += ROW_BLOCK) {
            int r1 = Math.min(to, r0 + ROW_BLOCK);
            int b = 0;
            for (; b + 4 <= batch; b += 4) {
                for (int r = r0; r < r1; r++) {
                    dot4(r, in, b * cols, cols, out, b * rows + r, rows);
                }
            }
            for (; b < batch; b++) {
                for (int r = r0; r < r1; r++) {
                    out[b * rows + r] = dot(r, in, b * cols);
                }
            }
        }
    }

    @Override
    public String toString() {
        return name + "[" + type() + " " + rows + " x " + cols + "]";
    }
}
