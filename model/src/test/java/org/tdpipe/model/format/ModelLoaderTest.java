package org.tdpipe.model.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLoaderTest {
    @TempDir
    Path tmp;

    @Test
    void detectsGguf() {
        Path gguf = SharedData.require("models/stories260K/stories260K.gguf");
        try (ModelSource source = ModelLoader.open(gguf.toString())) {
            assertInstanceOf(GgufModelSource.class, source);
            assertEquals(5, source.config().numLayers());
        }
    }

    @Test
    void detectsLlama2cWithTokenizerBeside() {
        Path bin = SharedData.require("models/stories260K/stories260K.bin");
        try (ModelSource source = ModelLoader.open(bin.toString())) {
            assertInstanceOf(Llama2cModelSource.class, source);
            assertEquals(512, source.tokenizer().vocabSize());
        }
    }

    @Test
    void llama2cWithoutTokenizerBesideAsksForOne() throws IOException {
        Path bin = Files.copy(SharedData.require("models/stories260K/stories260K.bin"), tmp.resolve("model.bin"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelLoader.open(bin.toString()));
        assertTrue(e.getMessage().contains("give the tokenizer explicitly"), e.getMessage());
        Path tok = SharedData.require("models/stories260K/tok512.bin");
        try (ModelSource source = ModelLoader.open(bin.toString(), tok.toString())) {
            assertEquals(64, source.config().dim());
        }
    }

    @Test
    void unknownFormatFailsClearly() throws IOException {
        Path txt = Files.writeString(tmp.resolve("weights.txt"), "hello");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelLoader.open(txt.toString()));
        assertTrue(e.getMessage().contains("unknown model format"), e.getMessage());
        assertThrows(ModelFormatException.class, () -> ModelLoader.open(tmp.resolve("absent.gguf").toString()));
    }
}
