package org.tdpipe.sim.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.profile.HandoffTiming;

class HandoffCurveTest {
    @Test
    void aHandoffIsTheMeanOverStagesLinearBetweenSizesAndAlongTheLastSlopePastThem() {
        HandoffCurve curve = new HandoffCurve(List.of(new HandoffTiming(0, 1, 0.2), new HandoffTiming(1, 1, 0.4),
                new HandoffTiming(0, 64, 0.6), new HandoffTiming(0, 128, 1.0)));
        assertEquals(300_000, curve.nanos(1), "mean of the two boundaries");
        assertEquals(300_000, curve.nanos(0), "flat below the smallest size");
        assertEquals(0.8, curve.ms(96), 1e-12);
        assertEquals(1.0 + 0.4 / 64 * 128, curve.ms(256), 1e-12);
    }

    @Test
    void noMeasuredHandoffCostsNothingAndAFallingSlopeIsNotExtrapolated() {
        assertEquals(0, new HandoffCurve(List.of()).nanos(100));
        HandoffCurve falling = new HandoffCurve(List.of(new HandoffTiming(0, 1, 0.5), new HandoffTiming(0, 8, 0.3)));
        assertEquals(0.3, falling.ms(64), 1e-12);
    }
}
