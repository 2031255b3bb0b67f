package org.tdpipe.runtime.grpc;

import io.grpc.stub.StreamObserver;

/** Takes and drops the messages of a call that was already rejected. */
final class DiscardingObserver<T> implements StreamObserver<T> {
    @Override
    public void onNext(T value) {
    }

    @Override
    public void onError(Throwable t) {
    }

    @Override
    public void onCompleted() {
    }
}
