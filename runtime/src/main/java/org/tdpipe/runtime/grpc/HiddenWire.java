package org.tdpipe.runtime.grpc;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.tdpipe.model.llama.HiddenStates;
import org.tdpipe.runtime.grpc.proto.Hidden;

/** Activations on the wire: the {@code numTokens × dim} floats packed little-endian. */
final class HiddenWire {
    private HiddenWire() {
    }

    static Hidden encode(HiddenStates h) {
        ByteBuffer bytes = ByteBuffer.allocate(h.data().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(h.data());
        return Hidden.newBuilder().setNumTokens(h.numTokens()).setDim(h.dim()).setData(ByteString.copyFrom(bytes)).build();
    }

    static HiddenStates decode(Hidden h) {
        long floats = (long) h.getNumTokens() * h.getDim();
        if (h.getNumTokens() < 0 || h.getDim() < 0 || h.getData().size() != floats * Float.BYTES) {
            throw new IllegalArgumentException("activations of " + h.getNumTokens() + " x " + h.getDim() + " carry "
                    + h.getData().size() + " bytes, expected " + floats * Float.BYTES);
        }
        float[] data = new float[(int) floats];
        h.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
        return new HiddenStates(h.getNumTokens(), h.getDim(), data);
    }
}
