package org.tdpipe.core.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.tdpipe.core.exec.Phase;

class BubbleAttributionProperties {
    /**
     * On any timeline (random phases, durations including empty spans, late launches, starvation
     * records, top-up limits and windows that may cut spans or reach past them) the causes add up to
     * exactly the idle time, and the shares to the bubble ratio; the idle intervals overlap neither
     * each other nor the spans, so together with the spans they tile every stage's window.
     */
    @Property(tries = 300)
    void theCausesSumToTheIdleTime(@ForAll @IntRange(min = 1, max = 6) int stages,
            @ForAll @IntRange(min = 0, max = 60) int batches, @ForAll long seed) {
        Random random = new Random(seed);
        ClosedLoopPipeline pipeline = new ClosedLoopPipeline(stages);
        Phase[] phases = Phase.values();
        List<Starvation> starvations = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            long notBefore = random.nextInt(4) == 0 ? random.nextInt(200) : 0;
            long id = pipeline.launch(phases[random.nextInt(phases.length)], random.nextInt(12), notBefore);
            if (random.nextInt(3) == 0) {
                Starvation s = new Starvation(id, Math.max(0, pipeline.launchNanos(id) - random.nextInt(30)),
                        pipeline.launchNanos(id), random.nextInt(3));
                pipeline.timeline().recordStarvation(s);
                starvations.add(s);
            }
        }
        Timeline t = pipeline.timeline();
        long from = random.nextInt(20) - 5;
        long to = from + 1 + random.nextInt((int) Math.max(1, pipeline.makespan() + 20));
        BubbleAttribution attribution = new BubbleAttribution(stages, 1 + random.nextInt(3));
        Map<BubbleCause, Long> idle = attribution.idleNanos(t.spans(), starvations, from, to);
        List<List<long[]>> occupied = new ArrayList<>();
        for (int s = 0; s < stages; s++) {
            occupied.add(new ArrayList<>());
        }
        for (Span s : t.spans()) {
            occupied.get(s.stage()).add(new long[] {s.startNanos(), s.endNanos()});
        }
        attribution.forEachIdle(t.spans(), starvations, from, to, (stage, cause, a, b) -> {
            assertTrue(from <= a && a < b && b <= to, "idle [" + a + ", " + b + ") outside [" + from + ", " + to + ")");
            occupied.get(stage).add(new long[] {a, b});
        });
        for (List<long[]> lane : occupied) {
            lane.sort(Comparator.comparingLong((long[] iv) -> iv[0]).thenComparingLong(iv -> iv[1]));
            for (int i = 1; i < lane.size(); i++) {
                assertTrue(lane.get(i)[0] >= lane.get(i - 1)[1], "overlap at " + lane.get(i)[0]);
            }
        }

        long busy = 0;
        for (Span s : t.spans()) {
            busy += Math.max(0, Math.min(s.endNanos(), to) - Math.max(s.startNanos(), from));
        }
        assertEquals(stages * (to - from) - busy, idle.values().stream().mapToLong(Long::longValue).sum());
        TimelineStats stats = t.stats(from, to);
        assertEquals(stats.bubbleRatio(), stats.bubbleShare().values().stream().mapToDouble(Double::doubleValue).sum(),
                1e-9);
    }
}
