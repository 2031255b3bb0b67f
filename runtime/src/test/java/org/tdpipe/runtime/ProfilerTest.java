package org.tdpipe.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tdpipe.core.profile.Profile;
import org.tdpipe.model.ModelSources;
import org.tdpipe.model.format.ModelSource;

class ProfilerTest {
    @Test
    void measuredPointsAreJoinedByStraightLines() {
        Profile p = ProfileCurve.interpolate("test", new int[] {2, 4, 8}, new double[] {1.0, 2.0, 6.0});
        assertEquals(8, p.maxTokens());
        double[] expected = {1.0, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0};
        for (int n = 1; n <= 8; n++) {
            assertEquals(expected[n - 1], p.forwardMs(n), 1e-12, "T[" + n + "]");
        }
    }

    @Test
    void badMeasurementsAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> ProfileCurve.interpolate("x", new int[] {4, 2}, new double[] {1, 2}));
        assertEquals("x: batch sizes must increase from >= 1, got [4, 2]", e.getMessage());
    }

    @Test
    void theGridDoublesUpToTheLargestBatch() {
        assertArrayEquals(new int[] {1, 2, 4, 8, 16, 32, 48}, Profiler.grid(48));
        assertArrayEquals(new int[] {1, 2, 4}, Profiler.grid(4));
        assertArrayEquals(new int[] {1}, Profiler.grid(1));
    }

    @Test
    void aProfileHasARowForEveryBatchSize() {
        try (ModelSource source = ModelSources.open("dummy:llama-260k")) {
            Profile p = new Profiler(source, 1, 1).measure(600);
            assertEquals(600, p.maxTokens());
            for (int n = 1; n <= 600; n++) {
                assertTrue(p.forwardMs(n) > 0, "T[" + n + "]");
            }
        }
    }
}
