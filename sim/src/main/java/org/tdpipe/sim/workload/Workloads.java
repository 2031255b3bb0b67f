package org.tdpipe.sim.workload;

import java.util.List;

/** The benchmark recipe: filter a trace, sample N with a seed, assign arrival times. */
public final class Workloads {
    private Workloads() {
    }

    public static List<WorkloadItem> build(Trace trace, LengthFilter filter, int n, long seed, ArrivalProcess arrivals) {
        List<WorkloadItem> kept = filter.apply(trace.items());
        if (kept.isEmpty()) {
            throw new IllegalArgumentException(trace.source() + ": none of its " + trace.size()
                    + " rows passes the length filter " + filter);
        }
        if (arrivals instanceof ArrivalProcess.TraceTimestamps && !trace.timestamped()) {
            throw new IllegalArgumentException(trace.source() + " has no timestamps; use offline or Poisson arrivals");
        }
        return arrivals.assign(WorkloadSampler.sample(kept, n, seed));
    }
}
