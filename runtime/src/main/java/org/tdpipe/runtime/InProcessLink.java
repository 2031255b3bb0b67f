package org.tdpipe.runtime;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A stage-to-stage link inside one JVM: a bounded FIFO queue. Activations are handed over by
 * reference (no copy); the queue's hand-off makes the sender's writes visible to the receiver.
 */
public final class InProcessLink implements ActivationSink, ActivationSource {
    private final BlockingQueue<StageMessage> queue;

    /** {@code capacity}: messages in transit at most (the pipeline's batches in flight never need more). */
    public InProcessLink(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("link capacity must be >= 1, got " + capacity);
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    @Override
    public void send(StageMessage message) throws InterruptedException {
        queue.put(message);
    }

    @Override
    public StageMessage receive() throws InterruptedException {
        return queue.take();
    }
}
