package org.tdpipe.server;

import java.util.function.Consumer;
import org.tdpipe.core.engine.EngineListener;
import org.tdpipe.core.sched.SchedulerStats;

/**
 * Where a metrics registry plugs into a server: {@code listener} sees every request's tokens and
 * finish, {@code onStepStats} the policy's counters after every completed batch (both on the engine
 * thread), and {@code source} writes {@code GET /metrics}.
 */
public record MetricsHooks(EngineListener listener, Consumer<SchedulerStats> onStepStats, MetricsSource source) {
    /** No metrics: an empty {@code /metrics}. */
    public static final MetricsHooks NONE = new MetricsHooks(EngineListener.NONE, stats -> { }, MetricsSource.NONE);
}
