package org.tdpipe.sim.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.tdpipe.core.request.Request;

class WorkloadTest {
    private static List<WorkloadItem> pool(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> new WorkloadItem(i, i, 0)).toList();
    }

    @Test
    void filterAppliesEveryBound() {
        LengthFilter f = LengthFilter.PAPER;
        assertTrue(f.accepts(new WorkloadItem(4, 4, 0)));
        assertTrue(f.accepts(new WorkloadItem(1024, 1024, 0)));
        assertTrue(!f.accepts(new WorkloadItem(3, 100, 0)) && !f.accepts(new WorkloadItem(1025, 100, 0))
                && !f.accepts(new WorkloadItem(100, 3, 0)) && !f.accepts(new WorkloadItem(1024, 1025, 0)));
        assertThrows(IllegalArgumentException.class, () -> new LengthFilter(10, 5, 4, 2048));
    }

    @Test
    void samplingIsSeededAndWithoutRepeatsWhenThePoolIsLargeEnough() {
        List<WorkloadItem> a = WorkloadSampler.sample(pool(100), 50, 7);
        assertEquals(a, WorkloadSampler.sample(pool(100), 50, 7));
        assertNotEquals(a, WorkloadSampler.sample(pool(100), 50, 8));
        assertEquals(50, a.stream().distinct().count());
    }

    @Test
    void samplingMoreThanThePoolRepeatsItEvenly() {
        List<WorkloadItem> a = WorkloadSampler.sample(pool(10), 25, 1);
        assertEquals(25, a.size());
        for (WorkloadItem item : pool(10)) {
            long uses = a.stream().filter(item::equals).count();
            assertTrue(uses == 2 || uses == 3, item + " used " + uses + " times");
        }
        assertThrows(IllegalArgumentException.class, () -> WorkloadSampler.sample(List.of(), 5, 1));
    }

    @Test
    void poissonArrivalsHaveTheRequestedRate() {
        List<WorkloadItem> items = new ArrivalProcess.Poisson(10, 3).assign(pool(10_000));
        assertEquals(0, items.get(0).arrivalNanos());
        double seconds = items.get(items.size() - 1).arrivalNanos() / 1e9;
        assertEquals(1000, seconds, 50, "10,000 requests at 10/s");
        for (int i = 1; i < items.size(); i++) {
            assertTrue(items.get(i).arrivalNanos() >= items.get(i - 1).arrivalNanos());
        }
        assertEquals(items, new ArrivalProcess.Poisson(10, 3).assign(pool(10_000)));
        assertThrows(IllegalArgumentException.class, () -> new ArrivalProcess.Poisson(0, 1));
    }

    @Test
    void traceTimestampsStartAtZeroAndNeedATimestampedTrace() {
        Trace timed = new Trace("t", List.of(new WorkloadItem(5, 5, 3_000), new WorkloadItem(6, 6, 1_000)), true);
        List<WorkloadItem> items = Workloads.build(timed, LengthFilter.PAPER, 2, 1, new ArrivalProcess.TraceTimestamps());
        assertEquals(List.of(0L, 2_000L), items.stream().mapToLong(WorkloadItem::arrivalNanos).sorted().boxed().toList());
        Trace untimed = new Trace("u", timed.items(), false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Workloads.build(untimed, LengthFilter.PAPER, 2, 1, new ArrivalProcess.TraceTimestamps()));
        assertTrue(e.getMessage().contains("u has no timestamps"), e.getMessage());
        assertTrue(Workloads.build(timed, LengthFilter.PAPER, 2, 1, new ArrivalProcess.Offline()).stream()
                .allMatch(i -> i.arrivalNanos() == 0));
    }

    @Test
    void syntheticShareGptHasThePublishedMeansAndPassesTheFilter() {
        Trace t = SyntheticShareGpt.generate(20_000, 42);
        assertEquals(t, SyntheticShareGpt.generate(20_000, 42));
        assertTrue(t.items().stream().allMatch(LengthFilter.PAPER::accepts));
        assertEquals(378, t.items().stream().mapToInt(WorkloadItem::promptTokens).average().orElseThrow(), 378 * 0.03);
        assertEquals(419, t.items().stream().mapToInt(WorkloadItem::outputTokens).average().orElseThrow(), 419 * 0.03);
    }

    @Test
    void requestsFollowTheBenchmarkProtocol() {
        List<Request> requests = WorkloadRequests.toRequests(List.of(new WorkloadItem(3, 9, 500)), "sharegpt");
        Request r = requests.get(0);
        assertEquals(0, r.id());
        assertEquals("sharegpt-0", r.externalId());
        assertEquals(3, r.promptLength());
        assertEquals(9, r.sampling().maxTokens());
        assertTrue(r.sampling().ignoreEos());
        assertEquals(500, r.arrivalNanos());
    }
}
