package org.tdpipe.model.bench;

import java.lang.foreign.Arena;
import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.tdpipe.model.format.GgmlType;
import org.tdpipe.model.tensor.Matrix;
import org.tdpipe.model.tensor.Parallel;
import org.tdpipe.model.tensor.WeightEncoder;

/** One weight matrix times a batch of F32 activation rows, on all cores. */
public class MatmulBenchmark extends KernelBenchmark {
    @Param({"F32", "Q8_0", "Q4_0"})
    public GgmlType type;

    @Param({"1", "8", "64", "256"})
    public int batch;

    @Param({"4096"})
    public int rows;

    @Param({"4096"})
    public int cols;

    private Arena arena;
    private Parallel parallel;
    private Matrix matrix;
    private float[] in;
    private float[] out;

    @Setup
    public void setUp() {
        arena = Arena.ofShared();
        parallel = Parallel.allCores();
        Random random = new Random(1);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian() * 0.02f;
        }
        matrix = Matrix.of("w", type, rows, cols, WeightEncoder.encode(type, w, arena));
        in = new float[batch * cols];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) random.nextGaussian();
        }
        out = new float[batch * rows];
    }

    @TearDown
    public void tearDown() {
        parallel.close();
        arena.close();
    }

    @Benchmark
    public float[] multiply() {
        matrix.multiply(in, batch, out, parallel);
        return out;
    }

    /** Floating-point operations of one {@link #multiply}. */
    static double flops(int rows, int cols, int batch) {
        return 2.0 * rows * cols * batch;
    }
}
