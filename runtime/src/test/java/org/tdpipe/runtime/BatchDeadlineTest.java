package org.tdpipe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.exec.Phase;
import org.tdpipe.core.exec.ScheduledSeq;
import org.tdpipe.core.exec.StepBatch;
import org.tdpipe.core.request.Request;
import org.tdpipe.core.request.SamplingParams;

class BatchDeadlineTest {
    private static StepBatch batch(int tokens) {
        Request r = new Request(0, "r", new int[tokens], SamplingParams.greedy(1), 0);
        return new StepBatch(0, Phase.PREFILL, List.of(new ScheduledSeq(r, 0, tokens, true)), 0);
    }

    @Test
    void theFloorBoundsBatchesBeforeAnyWasObserved() {
        assertEquals(Duration.ofMinutes(1).toNanos(), BatchDeadline.AUTO.limitNanos(batch(100), new StepTimes()));
    }

    @Test
    void aMultipleOfTheSlowestBatchOrOfItsPerTokenTimeBoundsTheNext() {
        BatchDeadline deadline = new BatchDeadline(Optional.empty(), Duration.ofSeconds(1), 10);
        StepTimes observed = new StepTimes();
        observed.observe(batch(1), 500_000_000L);
        observed.observe(batch(100), 2_000_000_000L);
        assertEquals(20_000_000_000L, deadline.limitNanos(batch(1), observed), "10 x the slowest batch");
        assertEquals(10 * 500_000_000L * 1000, deadline.limitNanos(batch(1000), observed), "10 x 0.5 s per token x 1000");
    }

    @Test
    void aFixedTimeoutIgnoresWhatWasObserved() {
        StepTimes observed = new StepTimes();
        observed.observe(batch(1), 9_000_000_000L);
        assertEquals(2_000_000_000L, BatchDeadline.fixed(Duration.ofSeconds(2)).limitNanos(batch(1), observed));
    }

    @Test
    void nonPositiveTimesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> BatchDeadline.fixed(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new BatchDeadline(Optional.empty(), Duration.ofSeconds(-1), 10));
        assertThrows(IllegalArgumentException.class, () -> new BatchDeadline(Optional.empty(), Duration.ofSeconds(1), 0.5));
    }
}
