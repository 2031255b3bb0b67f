package org.tdpipe.model.step;

import java.util.Arrays;

/** An immutable sequence of ints (token ids, block ids) with value equality. */
public final class Ints {
    public static final Ints EMPTY = new Ints(new int[0], 0);

    private final int[] values;
    private final int length;

    private Ints(int[] values, int length) {
        this.values = values;
        this.length = length;
    }

    public static Ints of(int... values) {
        return values.length == 0 ? EMPTY : new Ints(values.clone(), values.length);
    }

    /** {@code values[from, to)}. */
    public static Ints copyOf(int[] values, int from, int to) {
        return to == from ? EMPTY : new Ints(Arrays.copyOfRange(values, from, to), to - from);
    }

    /**
     * The first {@code length} values of {@code values}, not copied: the caller only ever appends
     * past them (or writes into a new array), so they never change.
     */
    static Ints prefixOf(int[] values, int length) {
        return new Ints(values, length);
    }

    public int length() {
        return length;
    }

    public int get(int i) {
        if (i < 0 || i >= length) {
            throw new IndexOutOfBoundsException("index " + i + " of " + length);
        }
        return values[i];
    }

    /** Copies the values into {@code dest} from {@code offset}. */
    public void copyInto(int[] dest, int offset) {
        System.arraycopy(values, 0, dest, offset, length);
    }

    public boolean isEmpty() {
        return length == 0;
    }

    public int[] toArray() {
        return Arrays.copyOf(values, length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ints other && Arrays.equals(values, 0, length, other.values, 0, other.length);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < length; i++) {
            h = 31 * h + values[i];
        }
        return h;
    }

    @Override
    public String toString() {
        return Arrays.toString(toArray());
    }
}
