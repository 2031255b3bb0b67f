package org.tdpipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.IntSummaryStatistics;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoryPromptsTest {
    @Test
    void theSameSeedGivesTheSamePrompts() {
        assertEquals(StoryPrompts.compose(50, 7), StoryPrompts.compose(50, 7));
        assertNotEquals(StoryPrompts.compose(50, 7), StoryPrompts.compose(50, 8));
    }

    @Test
    void promptsVaryInTextAndLength() {
        List<String> prompts = StoryPrompts.compose(500, 1);
        assertTrue(new HashSet<>(prompts).size() > 490, "nearly all distinct");
        IntSummaryStatistics words = prompts.stream().mapToInt(p -> p.split("\\s+").length).summaryStatistics();
        assertTrue(words.getMin() <= 8 && words.getMax() >= 40, words.toString());
        assertTrue(prompts.stream().anyMatch(p -> p.endsWith("The end.")), "some stories are nearly told");
        assertTrue(prompts.stream().noneMatch(p -> p.contains("{")), "every placeholder filled");
    }
}
