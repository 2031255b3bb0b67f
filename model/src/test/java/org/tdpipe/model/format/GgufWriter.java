package org.tdpipe.model.format;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Test helper: builds GGUF files byte by byte, including deliberately broken ones. */
final class GgufWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<Consumer<GgufWriter>> metadata = new ArrayList<>();
    private final List<byte[]> tensorInfos = new ArrayList<>();
    private final List<byte[]> tensorData = new ArrayList<>();
    private int version = 3;
    private int alignment = 32;

    GgufWriter version(int v) {
        version = v;
        return this;
    }

    GgufWriter alignment(int a) {
        alignment = a;
        metadata.add(w -> w.key("general.alignment", 4).u32(a));
        return this;
    }

    GgufWriter string(String key, String value) {
        metadata.add(w -> w.key(key, 8).str(value));
        return this;
    }

    GgufWriter u32(String key, int value) {
        metadata.add(w -> w.key(key, 4).u32(value));
        return this;
    }

    GgufWriter f32(String key, float value) {
        metadata.add(w -> w.key(key, 6).f32(value));
        return this;
    }

    GgufWriter bool(String key, boolean value) {
        metadata.add(w -> w.key(key, 7).u8(value ? 1 : 0));
        return this;
    }

    GgufWriter strings(String key, String... values) {
        metadata.add(w -> {
            w.key(key, 9).u32(8).u64(values.length);
            for (String v : values) {
                w.str(v);
            }
        });
        return this;
    }

    GgufWriter floats(String key, float... values) {
        metadata.add(w -> {
            w.key(key, 9).u32(6).u64(values.length);
            for (float v : values) {
                w.f32(v);
            }
        });
        return this;
    }

    GgufWriter ints(String key, int... values) {
        metadata.add(w -> {
            w.key(key, 9).u32(5).u64(values.length);
            for (int v : values) {
                w.u32(v);
            }
        });
        return this;
    }

    /** Raw metadata entry written by {@code body} after the key (type id and value). */
    GgufWriter raw(String key, Consumer<GgufWriter> body) {
        metadata.add(w -> {
            w.str(key);
            body.accept(w);
        });
        return this;
    }

    /** A tensor whose data follows the previous one (aligned). */
    GgufWriter tensor(String name, int type, long[] shape, byte[] data) {
        long offset = 0;
        for (byte[] d : tensorData) {
            offset += (d.length + alignment - 1) / alignment * alignment;
        }
        return tensorAt(name, type, shape, offset, data);
    }

    GgufWriter tensorAt(String name, int type, long[] shape, long offset, byte[] data) {
        GgufWriter info = new GgufWriter();
        info.str(name).u32(shape.length);
        for (long d : shape) {
            info.u64(d);
        }
        info.u32(type).u64(offset);
        tensorInfos.add(info.out.toByteArray());
        tensorData.add(data);
        return this;
    }

    byte[] build() {
        return build(tensorInfos.size());
    }

    /** The file, declaring {@code tensorCount} tensors whatever was added. */
    byte[] build(long tensorCount) {
        out.reset();
        out.writeBytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        u32(version).u64(tensorCount).u64(metadata.size());
        metadata.forEach(m -> m.accept(this));
        tensorInfos.forEach(out::writeBytes);
        pad();
        for (byte[] d : tensorData) {
            out.writeBytes(d);
            pad();
        }
        return out.toByteArray();
    }

    private void pad() {
        while (out.size() % alignment != 0) {
            out.write(0);
        }
    }

    GgufWriter key(String key, int type) {
        return str(key).u32(type);
    }

    GgufWriter str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u64(b.length);
        out.writeBytes(b);
        return this;
    }

    GgufWriter u8(int v) {
        out.write(v);
        return this;
    }

    GgufWriter u32(int v) {
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
        return this;
    }

    GgufWriter u64(long v) {
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        return this;
    }

    GgufWriter f32(float v) {
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array());
        return this;
    }

    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }
}
