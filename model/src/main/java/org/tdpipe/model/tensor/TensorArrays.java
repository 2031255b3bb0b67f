package org.tdpipe.model.tensor;

import org.tdpipe.model.format.TensorEntry;

/** Copies small tensors (norm weights, biases) into float arrays. */
public final class TensorArrays {
    private TensorArrays() {
    }

    /** The elements of a 1-D tensor of {@code expectedLength} elements, decoded to floats. */
    public static float[] floats(TensorEntry entry, int expectedLength) {
        if (entry.shape().length != 1 || entry.elements() != expectedLength) {
            throw new IllegalArgumentException(entry.name() + ": expected a vector of " + expectedLength
                    + " elements, got shape " + java.util.Arrays.toString(entry.shape()));
        }
        float[] out = new float[expectedLength];
        Matrix.of(entry.name(), entry.type(), 1, expectedLength, entry.data()).readRow(0, out, 0);
        return out;
    }
}
