package org.tdpipe.model.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.DoubleAdder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.tdpipe.model.tensor.Parallel;
import org.tdpipe.model.tensor.Vectors;

/** Streaming read bandwidth: vector sum of an off-heap buffer much larger than the caches, on all cores. */
public class MemoryBandwidthBenchmark extends KernelBenchmark {
    private static final int CHUNK = 1 << 20;

    @Param({"536870912"})
    public long bytes;

    private Arena arena;
    private MemorySegment buffer;
    private Parallel parallel;

    @Setup
    public void setUp() {
        arena = Arena.ofShared();
        buffer = arena.allocate(bytes, 64);
        buffer.fill((byte) 1);
        parallel = Parallel.allCores();
    }

    @TearDown
    public void tearDown() {
        parallel.close();
        arena.close();
    }

    @Benchmark
    public double read() {
        DoubleAdder sink = new DoubleAdder();
        int chunks = (int) (bytes / CHUNK);
        parallel.forRange(chunks, 1, (from, to) -> sink.add(sum((long) from * CHUNK, (long) to * CHUNK)));
        return sink.sum();
    }

    private float sum(long from, long to) {
        int step = Vectors.LANES * 4;
        FloatVector a0 = FloatVector.zero(Vectors.F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (long o = from; o < to; o += 4L * step) {
            a0 = a0.add(FloatVector.fromMemorySegment(Vectors.F, buffer, o, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(FloatVector.fromMemorySegment(Vectors.F, buffer, o + step, ByteOrder.LITTLE_ENDIAN));
            a2 = a2.add(FloatVector.fromMemorySegment(Vectors.F, buffer, o + 2L * step, ByteOrder.LITTLE_ENDIAN));
            a3 = a3.add(FloatVector.fromMemorySegment(Vectors.F, buffer, o + 3L * step, ByteOrder.LITTLE_ENDIAN));
        }
        return a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }
}
