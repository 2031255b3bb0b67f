/**
 * The gRPC execution plane (DESIGN §4, {@code RemoteExecutor}): stage workers in other processes or
 * hosts. {@link org.tdpipe.runtime.grpc.StageWorkerServer} is the worker process ({@code tdpipe
 * worker}); each controller handshake opens a {@code WorkerSession} running one
 * {@link org.tdpipe.runtime.StageWorker} on its layer slice, fed by the previous worker's activation
 * stream and sending to the next. {@link org.tdpipe.runtime.grpc.RemoteExecutor} is the controller's
 * side. Messages are protobuf ({@code src/main/proto/stage.proto}).
 */
package org.tdpipe.runtime.grpc;
