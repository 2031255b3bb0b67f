package org.tdpipe.sim.workload;

import java.util.List;

/**
 * The rows of a request trace.
 *
 * @param source where it came from (a file name, "synthetic-sharegpt")
 * @param items one per row, in file order; arrival times are offsets from the earliest row when
 *     {@code timestamped}, 0 otherwise
 */
public record Trace(String source, List<WorkloadItem> items, boolean timestamped) {
    public Trace {
        items = List.copyOf(items);
    }

    public int size() {
        return items.size();
    }
}
