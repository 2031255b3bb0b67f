package org.tdpipe.runtime.grpc;

import io.grpc.stub.StreamObserver;
import org.tdpipe.runtime.ActivationSink;
import org.tdpipe.runtime.StageMessage;
import org.tdpipe.runtime.grpc.proto.StageActivations;

/**
 * Sends a stage's output to the next stage's worker over one client stream. If the successor is
 * gone the messages are lost; the controller learns that from its own connection to the successor.
 */
final class StreamActivationSink implements ActivationSink {
    private final StreamObserver<StageActivations> stream;
    private final SpanRelay spans;

    StreamActivationSink(StreamObserver<StageActivations> stream, SpanRelay spans) {
        this.stream = stream;
        this.spans = spans;
    }

    @Override
    public void send(StageMessage message) {
        StageActivations.Builder b = StageActivations.newBuilder().setBatchId(message.batchId())
                .addAllSpans(spans.through(message.batchId()));
        switch (message) {
            case StageMessage.Activations a -> b.setHidden(HiddenWire.encode(a.hidden()));
            case StageMessage.Failure f -> b.setError(f.error());
        }
        stream.onNext(b.build());
    }

    void close() {
        stream.onCompleted();
    }
}
