package org.tdpipe.runtime.grpc;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import org.tdpipe.runtime.grpc.proto.BatchResult;

/**
 * The last stage's results on their way to the controller: held until the controller's
 * {@code Results} call arrives, then streamed. Results for a controller that went away are dropped.
 */
final class ResultStream {
    private final List<BatchResult> pending = new ArrayList<>();
    private StreamObserver<BatchResult> observer;

    synchronized void attach(StreamObserver<BatchResult> controller) {
        this.observer = controller;
        pending.forEach(this::deliver);
        pending.clear();
    }

    synchronized void send(BatchResult result) {
        if (observer == null) {
            pending.add(result);
        } else {
            deliver(result);
        }
    }

    private void deliver(BatchResult result) {
        try {
            observer.onNext(result);
        } catch (StatusRuntimeException e) {
            // the controller cancelled the call: nobody is waiting for this result
        }
    }

    synchronized void close() {
        if (observer != null) {
            try {
                observer.onCompleted();
            } catch (StatusRuntimeException | IllegalStateException e) {
                // already cancelled or completed
            }
        }
    }
}
