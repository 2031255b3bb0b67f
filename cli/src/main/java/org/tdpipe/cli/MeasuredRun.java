package org.tdpipe.cli;

import java.util.Map;
import org.tdpipe.core.engine.RunResult;
import org.tdpipe.sim.cost.BatchLoad;

/** A policy run on the real pipeline with the load of each batch it launched (by batch id). */
record MeasuredRun(RunResult result, Map<Long, BatchLoad> loads) {
}
