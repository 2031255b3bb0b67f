package org.tdpipe.model.format;

/** Metadata value types of GGUF ({@code gguf_type}), with the smallest encoded size of one value. */
enum GgufValueType {
    UINT8(0, 1), INT8(1, 1), UINT16(2, 2), INT16(3, 2), UINT32(4, 4), INT32(5, 4), FLOAT32(6, 4), BOOL(7, 1),
    STRING(8, 8), ARRAY(9, 12), UINT64(10, 8), INT64(11, 8), FLOAT64(12, 8);

    private final int id;
    private final int minBytes;

    GgufValueType(int id, int minBytes) {
        this.id = id;
        this.minBytes = minBytes;
    }

    int minBytes() {
        return minBytes;
    }

    static GgufValueType byId(int id, ByteCursor cursor) {
        for (GgufValueType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        throw cursor.error("unknown metadata value type " + id);
    }
}
