package org.tdpipe.cli;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/** Sends every prompt to the server, at most {@code concurrency} at a time (each on a virtual thread), and measures the level. */
final class ServeLoad {
    private ServeLoad() {
    }

    static ServeMetrics run(StreamingCompletionClient client, List<BenchPrompt> prompts, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be >= 1, got " + concurrency);
        }
        RequestOutcome[] outcomes = new RequestOutcome[prompts.size()];
        Semaphore slots = new Semaphore(concurrency);
        long start = System.nanoTime();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < prompts.size(); i++) {
                slots.acquireUninterruptibly();
                int index = i;
                threads.submit(() -> {
                    try {
                        outcomes[index] = client.send(prompts.get(index));
                    } finally {
                        slots.release();
                    }
                });
            }
        }
        return ServeMetrics.of(concurrency, Arrays.asList(outcomes), System.nanoTime() - start);
    }
}
