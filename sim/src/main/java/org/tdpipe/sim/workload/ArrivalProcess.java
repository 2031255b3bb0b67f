package org.tdpipe.sim.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** When the requests of a workload arrive. */
public sealed interface ArrivalProcess {
    /** The items with their arrival times set (same order). */
    List<WorkloadItem> assign(List<WorkloadItem> items);

    /** Everything at t = 0: the offline throughput protocol (default). */
    record Offline() implements ArrivalProcess {
        @Override
        public List<WorkloadItem> assign(List<WorkloadItem> items) {
            return items.stream().map(i -> i.withArrivalNanos(0)).toList();
        }
    }

    /**
     * The trace's own timestamps, shifted so that the earliest chosen request arrives at 0.
     * Sampling a subset keeps each row's time, so it thins the arrival rate accordingly.
     */
    record TraceTimestamps() implements ArrivalProcess {
        @Override
        public List<WorkloadItem> assign(List<WorkloadItem> items) {
            long origin = items.stream().mapToLong(WorkloadItem::arrivalNanos).min().orElse(0);
            return items.stream().map(i -> i.withArrivalNanos(i.arrivalNanos() - origin)).toList();
        }
    }

    /** A Poisson process of {@code ratePerSecond} requests per second, first arrival at 0, seeded. */
    record Poisson(double ratePerSecond, long seed) implements ArrivalProcess {
        public Poisson {
            if (!(ratePerSecond > 0) || !Double.isFinite(ratePerSecond)) {
                throw new IllegalArgumentException("Poisson arrival rate must be a positive number of requests/s, got "
                        + ratePerSecond);
            }
        }

        @Override
        public List<WorkloadItem> assign(List<WorkloadItem> items) {
            SplittableRandom random = new SplittableRandom(seed);
            List<WorkloadItem> out = new ArrayList<>(items.size());
            double t = 0;
            for (WorkloadItem item : items) {
                out.add(item.withArrivalNanos(Math.round(t * 1e9)));
                t += -Math.log(1 - random.nextDouble()) / ratePerSecond;
            }
            return out;
        }
    }
}
