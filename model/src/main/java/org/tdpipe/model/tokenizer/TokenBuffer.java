package org.tdpipe.model.tokenizer;

import java.util.Arrays;

/** Growable list of token ids for encoder output. */
final class TokenBuffer {
    private int[] ids = new int[16];
    private int size;

    void add(int id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = id;
    }

    int[] toArray() {
        return Arrays.copyOf(ids, size);
    }
}
