package org.tdpipe.core.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tdpipe.core.testing.SharedData;

class ProfileTest {
    @TempDir
    Path dir;

    @Test
    void readsTheAuthorsProfileAndExtrapolatesLinearlyPastTheLastRow() {
        Profile p = Profile.read(SharedData.require("profiles/L20-Llama-13B.csv"));
        assertEquals(2048, p.maxTokens());
        assertEquals(35.28, p.forwardMs(1), 0.01);
        assertEquals(508.74, p.forwardMs(2048), 0.01);
        assertEquals(508.74 * 2, p.forwardMs(4096), 0.01);
        assertEquals(0, p.forwardMs(0));
    }

    @Test
    void roundTripsThroughTheCsvFormat() throws IOException {
        Profile p = new Profile("t", new double[] {1.5, 2.5, 4});
        Path file = dir.resolve("p.csv");
        p.write(file);
        Profile back = Profile.read(file);
        assertEquals(3, back.maxTokens());
        assertEquals(2.5, back.forwardMs(2));
    }

    @Test
    void badFilesNameTheFileAndLine() throws IOException {
        assertMessage(List.of("tokens,ms", "1,2"), "bad.csv:1: expected header");
        assertMessage(List.of(Profile.HEADER, "1,2", "3,4"), "bad.csv:3: expected row for 2 tokens");
        assertMessage(List.of(Profile.HEADER, "1,abc"), "bad.csv:2: not a number");
        assertMessage(List.of(Profile.HEADER, "1,-2"), "bad.csv:2: execution time must be a positive number");
        assertMessage(List.of(Profile.HEADER, "1,2,3"), "bad.csv:2: expected 2 columns");
        assertMessage(List.of(Profile.HEADER), "bad.csv: profile has a header but no rows");
        ProfileFormatException e = assertThrows(ProfileFormatException.class, () -> Profile.read(dir.resolve("missing.csv")));
        assertTrue(e.getMessage().contains("missing.csv"), e.getMessage());
    }

    private void assertMessage(List<String> lines, String expected) throws IOException {
        Path file = Files.write(dir.resolve("bad.csv"), lines);
        ProfileFormatException e = assertThrows(ProfileFormatException.class, () -> Profile.read(file));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
