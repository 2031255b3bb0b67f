package org.tdpipe.model.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufModelConfigTest {
    @TempDir
    Path dir;

    private ModelConfig roundTrip(ModelConfig config) throws IOException {
        Path file = Files.write(dir.resolve(config.architecture() + ".gguf"), TinyModels.gguf(config).build());
        try (GgufModelSource source = GgufModelSource.open(file)) {
            return source.config();
        }
    }

    @Test
    void llamaWithSeparateClassifier() throws IOException {
        ModelConfig llama = new ModelConfig("llama", 16, 24, 2, 4, 2, 4, 10, 64, 1e-5f, 500000f, null, false, false);
        assertEquals(llama, roundTrip(llama));
    }

    @Test
    void qwen2HasBiasesTiedEmbeddingsAndHalfSplitRope() throws IOException {
        ModelConfig qwen = new ModelConfig("qwen2", 16, 24, 1, 4, 1, 4, 10, 64, 1e-6f, 1e6f, null, true, true, true);
        assertEquals(qwen, roundTrip(qwen));
    }

    @Test
    void mistral() throws IOException {
        ModelConfig mistral = new ModelConfig("mistral", 16, 24, 1, 4, 4, 4, 10, 64, 1e-5f, 1e6f, null, false, false);
        assertEquals(mistral, roundTrip(mistral));
    }

    @Test
    void missingOrMisshapedTensorIsNamed() throws IOException {
        ModelConfig config = new ModelConfig("llama", 16, 24, 1, 4, 2, 4, 10, 64, 1e-5f, 1e4f, null, false, false);
        ModelConfig twoLayers = new ModelConfig("llama", 16, 24, 2, 4, 2, 4, 10, 64, 1e-5f, 1e4f, null, false, false);
        Path file = Files.write(dir.resolve("missing.gguf"), TinyModels.gguf(twoLayers, config).build());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufModelSource.open(file));
        assertTrue(e.getMessage().contains("missing tensor blk.1.attn_norm.weight"), e.getMessage());
        ModelConfig wider = new ModelConfig("llama", 16, 32, 1, 4, 2, 4, 10, 64, 1e-5f, 1e4f, null, false, false);
        Path wide = Files.write(dir.resolve("wide.gguf"), TinyModels.gguf(wider, config).build());
        e = assertThrows(ModelFormatException.class, () -> GgufModelSource.open(wide));
        assertTrue(e.getMessage().contains("blk.0.ffn_gate.weight has shape [16, 24], the configuration needs [16, 32]"),
                e.getMessage());
    }

    /** A sparse file of 3 GiB: the tensor lies beyond 2^31 bytes and is still a zero-copy view. */
    @Test
    void tensorsBeyondTwoGigabytesAreReachable() throws IOException {
        long offset = 3L << 30;
        byte[] header = new GgufWriter().tensorAt("far", 0, new long[] {4}, offset, new byte[0]).build();
        Path file = dir.resolve("sparse.gguf");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(header);
            long dataStart = (header.length + 31) / 32 * 32;
            raf.seek(dataStart + offset);
            raf.write(GgufWriter.floats(1, 2, 3, 4));
        }
        try (GgufFile gguf = GgufFile.open(file)) {
            TensorEntry far = gguf.tensor("far").orElseThrow();
            assertEquals(4f, far.data().get(ValueLayout.JAVA_FLOAT_UNALIGNED, 12));
        }
    }
}
