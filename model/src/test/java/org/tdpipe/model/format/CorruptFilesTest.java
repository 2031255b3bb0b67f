package org.tdpipe.model.format;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Broken files fail with a {@link ModelFormatException} naming the file and the problem. */
class CorruptFilesTest {
    @TempDir
    Path dir;

    private static void fails(Path file, String expected, Executable open) {
        ModelFormatException e = assertThrows(ModelFormatException.class, open);
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    private void ggufFails(byte[] bytes, String expected) throws IOException {
        Path file = Files.write(dir.resolve("broken.gguf"), bytes);
        fails(file, expected, () -> GgufFile.open(file).close());
    }

    private static byte[] smallModel() {
        return new GgufWriter().string("general.architecture", "llama")
                .tensor("w", 0, new long[] {4, 2}, GgufWriter.floats(1, 2, 3, 4, 5, 6, 7, 8)).build();
    }

    @Test
    void ggufHeaderProblems() throws IOException {
        ggufFails(new byte[0], "truncated");
        ggufFails(new byte[] {'G', 'G', 'U', 'F', 3, 0}, "truncated");
        ggufFails("GGML-not-a-gguf-file-at-all".getBytes(StandardCharsets.US_ASCII), "bad magic");
        ggufFails(new GgufWriter().version(1).build(), "unsupported GGUF version 1");
        ggufFails(new GgufWriter().version(0x03000000).build(), "big-endian");
    }

    @Test
    void ggufAbsurdCounts() throws IOException {
        ggufFails(new GgufWriter().build(Long.MAX_VALUE), "implausible tensor count");
        ggufFails(new GgufWriter().build(1_000_000), "implausible tensor count");
        byte[] hugeKvCount = new GgufWriter().build();
        ByteBuffer.wrap(hugeKvCount).order(ByteOrder.LITTLE_ENDIAN).putLong(16, 1L << 40);
        ggufFails(hugeKvCount, "implausible metadata count");
        ggufFails(new GgufWriter().raw("k", w -> w.u32(8).u64(1L << 60)).build(), "implausible length of k");
        ggufFails(new GgufWriter().raw("k", w -> w.u32(9).u32(8).u64(Long.MAX_VALUE)).build(), "implausible array length of k");
        ggufFails(new GgufWriter().raw("k", w -> w.u32(77).u32(0)).build(), "unknown metadata value type 77");
    }

    @Test
    void namesFromADamagedFileAreShownEscapedAndCut() throws IOException {
        String garbage = "blk.\u0000\u0001\n" + "\u00ff".repeat(1000);
        Path file = Files.write(dir.resolve("garbage.gguf"), new GgufWriter().tensor(garbage, 77, new long[] {4}, new byte[16]).build());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufFile.open(file).close());
        String message = e.getMessage();
        assertTrue(message.contains("tensor blk.\\x00\\x01\\n"), message);
        assertTrue(message.contains("(1007 characters)"), message);
        assertTrue(message.length() < 300 && message.chars().noneMatch(c -> c < 0x20), message);
    }

    @Test
    void ggufTensorProblems() throws IOException {
        ggufFails(new GgufWriter().tensor("w", 0, new long[] {1L << 40, 1L << 40}, new byte[4]).build(), "implausible dimension");
        ggufFails(new GgufWriter().tensor("w", 0, new long[] {0}, new byte[4]).build(), "implausible dimension");
        ggufFails(new GgufWriter().tensor("w", 0, new long[] {1, 1, 1, 1, 1}, new byte[4]).build(), "5 dimensions");
        ggufFails(new GgufWriter().tensor("w", 23, new long[] {256}, new byte[136]).build(), "IQ4_XS");
        ggufFails(new GgufWriter().tensor("w", 12, new long[] {128, 2}, new byte[144]).build(), "not a multiple of the block size");
        ggufFails(new GgufWriter().tensor("w", 8, new long[] {16}, new byte[34]).build(), "not a multiple of the block size");
        ggufFails(new GgufWriter().tensorAt("w", 0, new long[] {4}, 1L << 20, new byte[16]).build(), "past the end of the file");
        ggufFails(new GgufWriter().tensorAt("w", 0, new long[] {4}, 4, new byte[16]).build(), "misaligned");
        ggufFails(new GgufWriter().tensor("w", 0, new long[] {4}, new byte[16]).tensor("w", 0, new long[] {4}, new byte[16])
                .build(), "duplicate tensor w");
        byte[] full = smallModel();
        ggufFails(Arrays.copyOf(full, full.length - 8), "past the end of the file");
        ggufFails(new GgufWriter().alignment(48).build(), "not a power of two");
        ggufFails(new GgufWriter().u32("k", 1).u32("k", 2).build(), "duplicate metadata key k");
    }

    @Test
    void ggufModelWithoutConfigurationNamesTheMissingKey() throws IOException {
        Path file = Files.write(dir.resolve("nomodel.gguf"), smallModel());
        fails(file, "missing metadata key llama.embedding_length", () -> GgufModelSource.open(file));
        Path other = Files.write(dir.resolve("arch.gguf"), new GgufWriter().string("general.architecture", "gpt2").build());
        fails(other, "unsupported architecture 'gpt2'; supported: llama, mistral, qwen2", () -> GgufModelSource.open(other));
    }

    @Test
    void llama2cProblems() throws IOException {
        Path tok = Files.write(dir.resolve("tok.bin"), new byte[] {16, 0, 0, 0});
        Path shortHeader = Files.write(dir.resolve("short.bin"), new byte[10]);
        fails(shortHeader, "truncated", () -> Llama2cModelSource.open(shortHeader, tok));
        Path absurd = Files.write(dir.resolve("absurd.bin"), header(1 << 30, 1 << 30, 1 << 20, 1 << 10, 1 << 10, 1 << 30, 1 << 30));
        fails(absurd, "layers of", () -> Llama2cModelSource.open(absurd, tok));
        Path zero = Files.write(dir.resolve("zero.bin"), header(64, 172, 0, 8, 4, 512, 512));
        fails(zero, "layer count must be positive", () -> Llama2cModelSource.open(zero, tok));
        Path gqa = Files.write(dir.resolve("gqa.bin"), header(64, 172, 1, 8, 3, 512, 512));
        fails(gqa, "not a multiple of the KV head count", () -> Llama2cModelSource.open(gqa, tok));
        Path model = SharedData.require("models/stories260K/stories260K.bin");
        byte[] bytes = Files.readAllBytes(model);
        Path truncated = Files.write(dir.resolve("truncated.bin"), Arrays.copyOf(bytes, bytes.length / 2));
        fails(truncated, "truncated", () -> Llama2cModelSource.open(truncated, tok));
        fails(tok, "implausible token count 512", () -> Llama2cModelSource.open(model, tok));
        Path badLength = Files.write(dir.resolve("badlen.bin"), ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(16).putFloat(0f).putInt(Integer.MAX_VALUE).array());
        fails(badLength, "implausible length of token 0", () -> Llama2cTokenizerReader.read(badLength, 1));
        fails(badLength, "implausible token count", () -> Llama2cTokenizerReader.read(badLength, Integer.MAX_VALUE));
    }

    private static byte[] header(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    @Test
    void safetensorsProblems() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("hf"));
        Files.writeString(folder.resolve("config.json"), "{\"architectures\": [\"LlamaForCausalLM\"], \"hidden_size\": ");
        fails(folder.resolve("config.json"), "bad JSON at line 1", () -> HuggingFaceModelSource.open(folder));
        Files.writeString(folder.resolve("config.json"), "[1, 2]");
        fails(folder.resolve("config.json"), "expected a JSON object", () -> HuggingFaceModelSource.open(folder));
        Files.writeString(folder.resolve("config.json"), "{\"architectures\": [\"LlamaForCausalLM\"]}");
        fails(folder, "no *.safetensors files", () -> HuggingFaceModelSource.open(folder));

        Path weights = folder.resolve("model.safetensors");
        Files.write(weights, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).array());
        fails(weights, "implausible header length", () -> HuggingFaceModelSource.open(folder));
        Files.write(weights, new byte[3]);
        fails(weights, "truncated", () -> HuggingFaceModelSource.open(folder));
        writeSafetensors(weights, "{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 2], \"data_offsets\": [0, 16]");
        fails(weights, "bad JSON header", () -> HuggingFaceModelSource.open(folder));
        writeSafetensors(weights, "{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 2], \"data_offsets\": [0, 16]}}");
        fails(weights, "past the end of the file", () -> HuggingFaceModelSource.open(folder));
        writeSafetensors(weights, "{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [0, 16]}}");
        fails(weights, "needs 24 bytes", () -> HuggingFaceModelSource.open(folder));
        writeSafetensors(weights, "{\"w\": {\"dtype\": \"I64\", \"shape\": [2], \"data_offsets\": [0, 16]}}");
        fails(weights, "dtype 'I64', which is not supported; supported: F32, F16, BF16", () -> HuggingFaceModelSource.open(folder));
        writeSafetensors(weights, "{\"w\": {\"dtype\": \"F32\", \"shape\": [4611686018427387904, 4], \"data_offsets\": [0, 16]}}");
        fails(weights, "implausible shape", () -> HuggingFaceModelSource.open(folder));
        writeSafetensors(weights, "{}");
        fails(folder.resolve("config.json"), "missing or non-integer field hidden_size", () -> HuggingFaceModelSource.open(folder));

        Files.writeString(folder.resolve("model.safetensors.index.json"), "{\"weight_map\": {\"w\": \"../../etc/passwd\"}}");
        fails(folder.resolve("model.safetensors.index.json"), "outside the folder", () -> HuggingFaceModelSource.open(folder));
    }

    private static void writeSafetensors(Path path, String header) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).put(json);
        Files.write(path, b.array());
    }
}
