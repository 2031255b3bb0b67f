package org.tdpipe.model.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GgufFileTest {
    @TempDir
    Path dir;

    private Path write(byte[] bytes) throws IOException {
        return Files.write(dir.resolve("test.gguf"), bytes);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void readsEveryMetadataType(int version) throws IOException {
        GgufWriter w = new GgufWriter().version(version)
                .raw("u8", x -> x.u32(0).u8(200))
                .raw("i8", x -> x.u32(1).u8(0xFF))
                .raw("u16", x -> x.u32(2).u8(0xFF).u8(0xFF))
                .raw("i16", x -> x.u32(3).u8(0xFE).u8(0xFF))
                .raw("u32", x -> x.u32(4).u32(-1))
                .raw("i32", x -> x.u32(5).u32(-7))
                .f32("f32", 1.5f)
                .bool("bool", true)
                .string("str", "héllo")
                .raw("u64", x -> x.u32(10).u64(1L << 40))
                .raw("i64", x -> x.u32(11).u64(-5))
                .raw("f64", x -> x.u32(12).u64(Double.doubleToLongBits(2.25)))
                .ints("ints", 1, -2, 3)
                .floats("floats", 0.5f, -1f)
                .strings("strings", "a", "", "ü")
                .raw("nested", x -> x.u32(9).u32(9).u64(2).u32(4).u64(1).u32(42).u32(7).u64(0));
        try (GgufFile file = GgufFile.open(write(w.build()))) {
            GgufMetadata md = file.metadata();
            assertEquals(version, file.version());
            assertEquals(200L, md.integer("u8").orElseThrow());
            assertEquals(-1L, md.integer("i8").orElseThrow());
            assertEquals(65535L, md.integer("u16").orElseThrow());
            assertEquals(-2L, md.integer("i16").orElseThrow());
            assertEquals(4294967295L, md.integer("u32").orElseThrow());
            assertEquals(-7, md.requireInt("i32"));
            assertEquals(1.5, md.number("f32").orElseThrow());
            assertTrue(md.bool("bool").orElseThrow());
            assertEquals("héllo", md.requireString("str"));
            assertEquals(1L << 40, md.integer("u64").orElseThrow());
            assertEquals(-5L, md.integer("i64").orElseThrow());
            assertEquals(2.25, md.number("f64").orElseThrow());
            assertArrayEquals(new long[] {1, -2, 3}, md.integers("ints").orElseThrow());
            assertArrayEquals(new double[] {0.5, -1}, md.numbers("floats").orElseThrow());
            assertArrayEquals(new String[] {"a", "", "ü"}, md.strings("strings").orElseThrow());
            Object[] nested = (Object[]) md.get("nested").orElseThrow();
            assertArrayEquals(new long[] {42}, (long[]) nested[0]);
            assertArrayEquals(new boolean[0], (boolean[]) nested[1]);
            assertTrue(file.tensors().isEmpty());
            ModelFormatException wrongType = assertThrows(ModelFormatException.class, () -> md.requireString("u8"));
            assertTrue(wrongType.getMessage().contains("u8"), wrongType.getMessage());
            assertThrows(ModelFormatException.class, () -> md.requireInt("u32")); // 2^32-1 does not fit an int
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {32, 64})
    void slicesTensorsAtTheDeclaredAlignment(int alignment) throws IOException {
        byte[] q8 = new byte[2 * 34];
        q8[0] = 1;
        q8[67] = 9;
        byte[] q4 = new byte[18];
        q4[17] = 3;
        GgufWriter w = new GgufWriter().alignment(alignment)
                .tensor("a", 0, new long[] {3}, GgufWriter.floats(1, 2, 3))
                .tensor("b", 1, new long[] {2, 2}, new byte[8])
                .tensor("c", 8, new long[] {32, 2}, q8)
                .tensor("d", 2, new long[] {32}, q4)
                .tensor("e", 30, new long[] {1}, new byte[] {(byte) 0x80, 0x3F});
        try (GgufFile file = GgufFile.open(write(w.build()))) {
            assertEquals(5, file.tensors().size());
            TensorEntry a = file.tensor("a").orElseThrow();
            assertEquals(GgmlType.F32, a.type());
            assertEquals(3f, a.data().get(ValueLayout.JAVA_FLOAT_UNALIGNED, 8));
            assertEquals(0, a.data().address() % alignment);
            TensorEntry c = file.tensor("c").orElseThrow();
            assertEquals(GgmlType.Q8_0, c.type());
            assertEquals(68, c.data().byteSize());
            assertEquals(9, c.data().get(ValueLayout.JAVA_BYTE, 67));
            assertEquals(3, file.tensor("d").orElseThrow().data().get(ValueLayout.JAVA_BYTE, 17));
            assertEquals(GgmlType.BF16, file.tensor("e").orElseThrow().type());
            assertEquals(GgmlType.F16, file.tensor("b").orElseThrow().type());
            assertFalse(file.tensor("z").isPresent());
        }
    }

    @Test
    void vocabularyOnlyFileOpensButIsNoModel() {
        Path vocab = SharedData.require("tokenizers/ggml-vocab-phi-3.gguf");
        try (GgufFile file = GgufFile.open(vocab)) {
            assertTrue(file.tensors().isEmpty());
            assertEquals("llama", file.metadata().requireString("tokenizer.ggml.model"));
        }
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufModelSource.open(vocab));
        assertTrue(e.getMessage().contains(vocab.toString()), e.getMessage());
    }
}
