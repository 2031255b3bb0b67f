package org.tdpipe.core.sched.adaptive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tdpipe.core.testing.PolicyDriver;

class AdaptiveOptionsTest {

    @Test
    void theDerivedWatermarkKeepsOneBlockPerStageAtMostHalfTheCache() {
        assertEquals(4 / 100.0, AdaptiveOptions.derived().watermarkFor(4, 100), 1e-12);
        assertEquals(0.5, AdaptiveOptions.derived().watermarkFor(4, 6), 1e-12);
    }

    @Test
    void aWatermarkOfZeroIsTakenAsGivenNotDerived() {
        assertEquals(0, new AdaptiveOptions(-1, 0, 0, true).watermarkFor(4, 100));
    }

    @Test
    void aMemoryLineOfZeroIsDerivedFromTheWatermark() {
        assertEquals(0.96, new AdaptiveOptions(0, 0, -1, true).memoryLineFor(0.04), 1e-12);
        assertEquals(0.8, AdaptiveOptions.derived().withMemoryLine(0.8).memoryLineFor(0.04), 1e-12);
    }

    @Test
    void thePolicyIsNamedAsConfigured() {
        assertEquals("td-pipe-adaptive-ablation", new AdaptiveTdPipePolicy("td-pipe-adaptive-ablation",
                PolicyDriver.context(2, 10, 16, 4096), AdaptiveOptions.derived()).name());
    }
}
