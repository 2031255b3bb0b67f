package org.tdpipe.core.predict.learned;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LengthModelFileTest {
    private final LengthModel model = LengthModelTrainer.train(SyntheticLengths.examples(300, 3),
            new TrainingOptions(1, 2, 8, 6, 0.1, 1e-6));

    @Test
    void roundTrips(@TempDir Path dir) {
        Path file = dir.resolve("model.bin");
        LengthModelFile.write(file, model);
        LengthModel read = LengthModelFile.read(file);
        assertArrayEquals(model.edges(), read.edges());
        assertArrayEquals(model.weights(), read.weights());
        assertEquals(model.trainingMean(), read.trainingMean());
        assertEquals(model.encoder(), read.encoder());
        LengthQuery q = new LengthQuery(42, "write a long story", 0, 1);
        assertArrayEquals(model.probabilities(q), read.probabilities(q));
    }

    @Test
    void corruptedFileGivesAClearError(@TempDir Path dir) throws Exception {
        byte[] bytes = LengthModelFile.toBytes(model);
        bytes[bytes.length / 2] ^= 0x10;
        Path file = dir.resolve("corrupt.bin");
        Files.write(file, bytes);
        var e = assertThrows(LengthModelFormatException.class, () -> LengthModelFile.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void truncatedFileGivesAClearError(@TempDir Path dir) throws Exception {
        byte[] bytes = LengthModelFile.toBytes(model);
        for (int length : new int[] {0, 3, 8, 20, bytes.length - 1}) {
            Path file = dir.resolve("short" + length + ".bin");
            Files.write(file, Arrays.copyOf(bytes, length));
            var e = assertThrows(LengthModelFormatException.class, () -> LengthModelFile.read(file));
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        }
    }

    @Test
    void otherFilesAreNotModels(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "hello world, not a model");
        var e = assertThrows(LengthModelFormatException.class, () -> LengthModelFile.read(file));
        assertTrue(e.getMessage().contains("not a tdpipe length model"), e.getMessage());
    }
}
