package org.tdpipe.model.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.tdpipe.model.format.GgmlType;
import org.tdpipe.model.format.TensorEntry;

/**
 * A read-only weight matrix of {@code rows × cols} elements stored row-major in a
 * {@link MemorySegment} (usually a memory-mapped model file, read zero-copy), one subclass per
 * storage type. {@link #readRow} decodes a row from the file's own layout (an embedding lookup);
 * products go through the matrix repacked once ({@link #prepareProducts}, or at the first product)
 * into {@link PackedWeights} panels,
 * whose kernels give every output the same arithmetic whatever the batch — so a token's result does
 * not depend on the batch it ran in.
 */
public abstract sealed class Matrix permits F32Matrix, F16Matrix, BF16Matrix, BlockQuantizedMatrix {
    protected final String name;
    private final GgmlType type;
    protected final int rows;
    protected final int cols;
    protected final MemorySegment data;
    private volatile PackedWeights packed;

    protected Matrix(String name, int rows, int cols, MemorySegment data, GgmlType type) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException(name + ": bad matrix shape " + rows + " x " + cols);
        }
        if (cols % type.blockSize() != 0) {
            throw new IllegalArgumentException(name + ": " + type + " rows must be a multiple of " + type.blockSize()
                    + " long, got " + cols);
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
            case Q2_K -> new Q2_KMatrix(name, rows, cols, data);
            case Q3_K -> new Q3_KMatrix(name, rows, cols, data);
            case Q4_K -> new Q4_KMatrix(name, rows, cols, data);
            case Q5_K -> new Q5_KMatrix(name, rows, cols, data);
            case Q6_K -> new Q6_KMatrix(name, rows, cols, data);
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

    /** Rows {@code [from, to)}: a view over the same bytes (the output rows of a column-parallel product). */
    public Matrix rows(int from, int to) {
        if (from < 0 || to > rows || from >= to) {
            throw new IllegalArgumentException(name + ": no rows " + from + ".." + to + " in " + rows);
        }
        long rowBytes = type.bytesFor(cols);
        return of(name + "[rows " + from + ".." + to + "]", type, to - from, cols,
                data.asSlice(from * rowBytes, (to - from) * rowBytes));
    }

    /**
     * Columns {@code [from, to)} copied into a matrix of their own (the inputs of a row-parallel
     * product); a quantized type's blocks must not straddle either end.
     */
    public Matrix columns(int from, int to) {
        if (from < 0 || to > cols || from >= to) {
            throw new IllegalArgumentException(name + ": no columns " + from + ".." + to + " in " + cols);
        }
        if (from % type.blockSize() != 0 || to % type.blockSize() != 0) {
            throw new IllegalArgumentException(name + ": columns " + from + ".." + to + " split " + type + " blocks of "
                    + type.blockSize() + " values");
        }
        long rowBytes = type.bytesFor(cols);
        long offset = type.bytesFor(from);
        long sliceBytes = type.bytesFor(to - from);
        MemorySegment copy = Arena.ofAuto().allocate(rows * sliceBytes, 64);
        for (long r = 0; r < rows; r++) {
            MemorySegment.copy(data, r * rowBytes + offset, copy, r * sliceBytes, sliceBytes);
        }
        return of(name + "[columns " + from + ".." + to + "]", type, rows, to - from, copy);
    }

    /** Decodes row {@code row} into {@code dst[off, off + cols)} (an embedding lookup). */
    public abstract void readRow(int row, float[] dst, int off);

    /** This matrix repacked into panels for the product kernels, its work split over {@code parallel}. */
    protected abstract PackedWeights pack(Parallel parallel);

    /**
     * {@code out[b·rows + r] = Σ_k W[r, k] · in[b·cols + k]} for the {@code batch} input rows: a
     * matrix-vector kernel for batch 1, register tiles of several inputs otherwise, parallel over
     * panels of output rows. The first product repacks the weights.
     */
    public void multiply(float[] in, int batch, float[] out, Parallel parallel) {
        if (in.length < (long) batch * cols || out.length < (long) batch * rows) {
            throw new IllegalArgumentException(name + ": buffers too small for a batch of " + batch + " (in "
                    + in.length + ", out " + out.length + ", matrix " + rows + " x " + cols + ")");
        }
        if (batch == 0) {
            return;
        }
        PackedWeights p = packed(parallel);
        if (batch == 1) {
            parallel.forRange(p.numPanels(), 2, (from, to) -> p.matVec(in, out, from, to));
        } else {
            parallel.forRange(p.numPanels(), 1, (from, to) -> p.gemm(in, batch, out, from, to));
        }
    }

    /** Repacks the weights for the product kernels now (on {@code parallel}'s threads), not at the first product. */
    public void prepareProducts(Parallel parallel) {
        packed(parallel);
    }

    private PackedWeights packed(Parallel parallel) {
        PackedWeights p = packed;
        if (p == null) {
            synchronized (this) {
                p = packed;
                if (p == null) {
                    p = pack(parallel);
                    packed = p;
                }
            }
        }
        return p;
    }

    @Override
    public String toString() {
        return name + "[" + type() + " " + rows + " x " + cols + "]";
    }
}
