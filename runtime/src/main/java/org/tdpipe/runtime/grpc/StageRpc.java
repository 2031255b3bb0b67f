package org.tdpipe.runtime.grpc;

import com.google.protobuf.Message;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import org.tdpipe.runtime.grpc.proto.BatchResult;
import org.tdpipe.runtime.grpc.proto.Empty;
import org.tdpipe.runtime.grpc.proto.HandshakeReply;
import org.tdpipe.runtime.grpc.proto.HandshakeRequest;
import org.tdpipe.runtime.grpc.proto.HeartbeatReply;
import org.tdpipe.runtime.grpc.proto.ReducePart;
import org.tdpipe.runtime.grpc.proto.StageActivations;
import org.tdpipe.runtime.grpc.proto.SubmitBatch;

/**
 * The methods of {@code tdpipe.stage.StageService} ({@code src/main/proto/stage.proto}), described
 * by hand for want of a protoc-gen-grpc-java binary of this gRPC version; messages are protobuf.
 */
final class StageRpc {
    static final String SERVICE = "tdpipe.stage.StageService";

    static final MethodDescriptor<HandshakeRequest, HandshakeReply> HANDSHAKE =
            method(MethodType.UNARY, "Handshake", HandshakeRequest.getDefaultInstance(), HandshakeReply.getDefaultInstance());
    static final MethodDescriptor<SubmitBatch, Empty> SUBMIT =
            method(MethodType.CLIENT_STREAMING, "Submit", SubmitBatch.getDefaultInstance(), Empty.getDefaultInstance());
    static final MethodDescriptor<StageActivations, Empty> ACTIVATIONS =
            method(MethodType.CLIENT_STREAMING, "Activations", StageActivations.getDefaultInstance(), Empty.getDefaultInstance());
    static final MethodDescriptor<Empty, BatchResult> RESULTS =
            method(MethodType.SERVER_STREAMING, "Results", Empty.getDefaultInstance(), BatchResult.getDefaultInstance());
    static final MethodDescriptor<Empty, HeartbeatReply> HEARTBEAT =
            method(MethodType.UNARY, "Heartbeat", Empty.getDefaultInstance(), HeartbeatReply.getDefaultInstance());
    static final MethodDescriptor<ReducePart, Empty> ALL_REDUCE =
            method(MethodType.CLIENT_STREAMING, "AllReduce", ReducePart.getDefaultInstance(), Empty.getDefaultInstance());

    private StageRpc() {
    }

    private static <Q extends Message, R extends Message> MethodDescriptor<Q, R> method(MethodType type, String name,
            Q request, R response) {
        return MethodDescriptor.<Q, R>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(ProtoUtils.marshaller(request))
                .setResponseMarshaller(ProtoUtils.marshaller(response))
                .build();
    }
}
