package org.tdpipe.cli;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends every prompt to the server as a {@link LoadPattern} says — each at its arrival time, on a
 * virtual thread that then waits for one of the concurrency slots — and measures the run.
 */
final class ServeLoad {
    private ServeLoad() {
    }

    static ServeMetrics run(StreamingCompletionClient client, List<BenchPrompt> prompts, LoadPattern pattern, long seed) {
        long[] arrivals = ArrivalSchedule.offsetsNanos(prompts.size(), pattern.requestRate(), pattern.burstiness(), seed);
        RequestOutcome[] outcomes = new RequestOutcome[prompts.size()];
        Semaphore slots = new Semaphore(pattern.maxConcurrency().orElse(Integer.MAX_VALUE));
        long start = System.nanoTime();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < prompts.size(); i++) {
                for (long wait = start + arrivals[i] - System.nanoTime(); wait > 0; wait = start + arrivals[i] - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                int index = i;
                threads.submit(() -> {
                    slots.acquireUninterruptibly();
                    try {
                        long sent = System.nanoTime() - start;
                        outcomes[index] = client.send(prompts.get(index)).sentAt(sent);
                    } finally {
                        slots.release();
                    }
                });
            }
        }
        return ServeMetrics.of(pattern, Arrays.asList(outcomes), System.nanoTime() - start);
    }
}
