package org.tdpipe.core.predict.learned;

/** Non-zero feature values: {@code values[k]} at index {@code indices[k]} (indices may repeat). */
record SparseVector(int[] indices, double[] values) {
    int size() {
        return indices.length;
    }
}
