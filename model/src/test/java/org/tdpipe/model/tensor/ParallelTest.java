package org.tdpipe.model.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ParallelTest {
    @Test
    void everyIndexRunsOnceInEveryLoopAndTheWorkersShareThem() throws InterruptedException {
        try (Parallel parallel = new Parallel(3)) {
            Set<String> threads = ConcurrentHashMap.newKeySet();
            for (int loop = 0; loop < 2_000; loop++) {
                int n = 1 + loop % 97;
                AtomicIntegerArray seen = new AtomicIntegerArray(n);
                parallel.forRange(n, 1, (from, to) -> {
                    threads.add(Thread.currentThread().getName());
                    for (int i = from; i < to; i++) {
                        seen.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, seen.get(i), "loop " + loop + " index " + i);
                }
                if (loop % 500 == 0) {
                    Thread.sleep(1); // long enough for the workers to park
                }
            }
            assertEquals(3, threads.size(), "the caller and both workers took chunks: " + threads);
        }
    }

    @Test
    void aChunkThatThrowsFailsTheLoopAndThePoolGoesOn() {
        try (Parallel parallel = new Parallel(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> parallel.forRange(64, 1, (from, to) -> {
                if (from <= 40 && 40 < to) {
                    throw new IllegalStateException("chunk with 40");
                }
            }));
            assertEquals("chunk with 40", e.getMessage());
            AtomicIntegerArray seen = new AtomicIntegerArray(64);
            parallel.forRange(64, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    seen.incrementAndGet(i);
                }
            });
            for (int i = 0; i < 64; i++) {
                assertEquals(1, seen.get(i));
            }
        }
    }

    @Test
    void aLoopInsideALoopRunsOnItsCallersThread() {
        try (Parallel parallel = new Parallel(2)) {
            AtomicIntegerArray seen = new AtomicIntegerArray(16 * 8);
            parallel.forRange(16, 1, (from, to) -> {
                for (int outer = from; outer < to; outer++) {
                    int o = outer;
                    String thread = Thread.currentThread().getName();
                    parallel.forRange(8, 1, (a, b) -> {
                        assertEquals(thread, Thread.currentThread().getName());
                        for (int i = a; i < b; i++) {
                            seen.incrementAndGet(o * 8 + i);
                        }
                    });
                }
            });
            for (int i = 0; i < seen.length(); i++) {
                assertEquals(1, seen.get(i));
            }
        }
    }
}
