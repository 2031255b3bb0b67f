package org.tdpipe.runtime;

/** Where stage workers send their {@link WorkerReport}s: the controller's completion queue. */
@FunctionalInterface
public interface ReportSink {
    void report(WorkerReport report);
}
