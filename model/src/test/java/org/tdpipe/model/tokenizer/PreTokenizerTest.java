package org.tdpipe.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PreTokenizerTest {
    @Test
    void gpt2KeepsTheSpaceBeforeAWordAndSplitsTrailingWhitespace() {
        assertEquals(List.of("Hello", " world", "'s", " 123", "!!", "  ", " x", "\n"),
                PreTokenizer.forGgufName("gpt-2").split("Hello world's 123!!   x\n"));
    }

    @Test
    void llama3GroupsDigitsByThreeAndCaseInsensitiveContractions() {
        assertEquals(List.of("Hello", " world", " ", "123", "45", "!!\n\n", " ", " x", " I", "'M"),
                PreTokenizer.forGgufName("llama-bpe").split("Hello world 12345!!\n\n  x I'M"));
    }

    @Test
    void qwen2SplitsEveryDigit() {
        assertEquals(List.of("abc", " ", "1", "2", "3"), PreTokenizer.forGgufName("qwen2").split("abc 123"));
    }

    @Test
    void falconIsolatesPunctuationRunsFirstAndCutsDigitTriples() {
        assertEquals(List.of("a", "+=", "b", " ", "123", "4"), PreTokenizer.forGgufName("falcon").split("a+=b 1234"));
    }

    @Test
    void unknownNameListsTheSupportedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PreTokenizer.forGgufName("tekken"));
        assertTrue(e.getMessage().contains("tekken") && e.getMessage().contains("llama-bpe"), e.getMessage());
    }
}
