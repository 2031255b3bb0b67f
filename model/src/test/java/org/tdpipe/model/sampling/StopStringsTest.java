package org.tdpipe.model.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StopStringsTest {
    @Test
    void findsTheEarliestStopIncludingOneStraddlingNewText() {
        StopStrings stops = new StopStrings(List.of("END", "\n\n"));
        assertEquals(Optional.empty(), stops.find("hello", 0));
        assertEquals(Optional.of(new StopStrings.Match(5, 8)), stops.find("helloEN" + "D and more", 7));
        assertEquals(Optional.of(new StopStrings.Match(2, 4)), stops.find("hi\n\nEND", 3));
        assertEquals(Optional.empty(), stops.find("END old text", 8));
    }

    @Test
    void rejectsEmptyStops() {
        assertThrows(IllegalArgumentException.class, () -> new StopStrings(List.of("")));
    }
}
