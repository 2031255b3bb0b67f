package org.tdpipe.core.sched.tdpipe;

import org.tdpipe.core.request.Request;

/**
 * TD-Pipe's forecast of KV-block usage over the coming decode steps, rebuilt request by request:
 * the faithful point-prediction {@link MemorySimulation} or the {@link DistributionMemorySimulation}.
 */
public interface KvUsageForecast {
    void clear();

    /** Adds a request about to be prefilled (or admitted by the switch rule). */
    void addNew(Request request);

    /** Adds a request that is prefilled and still running. */
    void addInFlight(Request request);

    /** The predicted peak in blocks over the horizon. */
    double predictedPeak();
}
