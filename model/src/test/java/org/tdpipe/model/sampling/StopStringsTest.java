package org.tdpipe.model.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringsTest {
    @Test
    void findsTheEarliestStopIncludingOneStraddlingNewText() {
        StopStrings stops = new StopStrings(List.of("END", "\n\n"));
        assertEquals(-1, stops.find("hello", 0));
        assertEquals(5, stops.find("helloEN" + "D and more", 7));
        assertEquals(2, stops.find("hi\n\nEND", 3));
        assertEquals(-1, stops.find("END old text", 8));
    }

    @Test
    void rejectsEmptyStops() {
        assertThrows(IllegalArgumentException.class, () -> new StopStrings(List.of("")));
    }
}
