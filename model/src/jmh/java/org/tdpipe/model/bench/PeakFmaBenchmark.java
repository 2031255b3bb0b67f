package org.tdpipe.model.bench;

import java.util.concurrent.atomic.DoubleAdder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.tdpipe.model.tensor.Parallel;
import org.tdpipe.model.tensor.Vectors;

/** The machine's vector FMA peak from the JVM: 10 independent FMA chains per thread, on all cores. */
public class PeakFmaBenchmark extends KernelBenchmark {
    static final int ITERATIONS = 1 << 20;
    static final int CHAINS = 10;

    private Parallel parallel;

    @Setup
    public void setUp() {
        parallel = Parallel.allCores();
    }

    @TearDown
    public void tearDown() {
        parallel.close();
    }

    @Benchmark
    public double fma() {
        DoubleAdder sink = new DoubleAdder();
        parallel.forRange(parallel.threads(), 1, (from, to) -> {
            for (int t = from; t < to; t++) {
                sink.add(chains(t));
            }
        });
        return sink.sum();
    }

    private static float chains(int seed) {
        FloatVector m = FloatVector.broadcast(Vectors.F, 0.999f);
        FloatVector c = FloatVector.broadcast(Vectors.F, 1e-3f);
        FloatVector a0 = FloatVector.broadcast(Vectors.F, seed);
        FloatVector a1 = a0.add(1);
        FloatVector a2 = a0.add(2);
        FloatVector a3 = a0.add(3);
        FloatVector a4 = a0.add(4);
        FloatVector a5 = a0.add(5);
        FloatVector a6 = a0.add(6);
        FloatVector a7 = a0.add(7);
        FloatVector a8 = a0.add(8);
        FloatVector a9 = a0.add(9);
        for (int i = 0; i < ITERATIONS; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).reduceLanes(VectorOperators.ADD);
    }

    /** Floating-point operations of one {@link #fma} on {@code threads} threads. */
    static double flops(int threads) {
        return 2.0 * ITERATIONS * CHAINS * Vectors.LANES * threads;
    }
}
